import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCmClient, createCmExecutionClient, nodeFetchTransport, type ExecutionIds } from '../../../src/main/cm';
import { parseCertificateData } from '../../../src/main/cm/execution';
import { seedGuid, type CmSimulatorOptions } from '../../../src/main/training/cm-sim';
import { defaultExecutionProfiles } from '../../../src/main/training/cm-sim/execution/profiles';
import { ATR, FACTORY_9B_KEY, cardKeyAndCsr, cmsSignatureVerifies, tripleDes } from './execution-helpers';
import { startSim, stationError, tempDir } from './harness';

/** The station's execution client against the simulator over HTTP: a whole desk issuance, minus the card. */

const ALICE = seedGuid('request/enroll-alice');
const STAFF = 'b5a8351e-3ff8-542f-8ec8-7adc37cc4374';

async function setup(simOptions: CmSimulatorOptions = {}) {
  const sim = await startSim(simOptions);
  const client = createCmClient({ baseUrl: sim.baseUrl, transport: nodeFetchTransport, timeoutMs: 5_000, getRetries: 0 });
  const execution = createCmExecutionClient({ call: client.call });
  // The bind normalises the card id; the execution routes must send the same text.
  const smartcardUuid = await client.bindCard({ requestId: ALICE, cardId: '{5C1F2A8E-94B3-4D0F-A1E7-3B6C9D2E8F40}', atr: ATR });
  const ids: ExecutionIds = { requestId: ALICE, smartcardUuid, cardId: '5c1f2a8e-94b3-4d0f-a1e7-3b6c9d2e8f40', atr: ATR };
  return { sim, client, execution, ids };
}

describe('CM execution client against the simulator', () => {
  it('runs the documented flow: configuration, both admin answers, the diversified key, options, certificates once, Completed', async () => {
    const { client, execution, ids } = await setup();
    const request = await client.getRequest(ALICE);
    const config = await execution.getSmartcardConfiguration(request!.profileTemplateUuid!);
    expect(config).toEqual({
      defaultAdminKey: FACTORY_9B_KEY,
      diversifyAdminKey: true,
      userPinOption: 'UserProvided',
      minimumPinLength: 6,
      maximumPinLength: 8,
    });

    const challenge = randomBytes(8);
    expect(await execution.getAuthenticationResponse(ids, challenge, false)).toEqual(tripleDes(FACTORY_9B_KEY, challenge));
    const key = await execution.getDiversifiedKey(ids);
    expect(await execution.getAuthenticationResponse(ids, challenge, true)).toEqual(tripleDes(key, challenge));

    const options = await execution.getCertificateRequestGenerationOptions(ALICE);
    expect(options).toEqual([
      {
        subject: '',
        keyAlgorithmName: 'RSA',
        keySize: 2048,
        friendlyName: 'Staff Smart Card Logon',
        hashAlgorithmName: 'SHA256',
        exportable: false,
        keyUsages: 3,
      },
    ]);

    const { csr } = await cardKeyAndCsr();
    const { raw } = await execution.postCertificateData({ requestId: ALICE, certificateRequests: [csr], pfxPassword: null, comments: '' });
    const [answer, ...more] = parseCertificateData(raw);
    expect(more).toEqual([]);
    expect(answer).toMatchObject({ templateCommonName: 'StationTrainingStaffLogon', error: null, pfx: null, isServerGenerated: false, isKeyHistory: false });
    expect(cmsSignatureVerifies(Buffer.from(answer!.pkcs7!, 'base64'), await tempDir()).ok).toBe(true);

    // CM issues once: the second call is CM's refusal, with its words kept for the operator.
    const again = await stationError(execution.postCertificateData({ requestId: ALICE, certificateRequests: [csr], pfxPassword: null, comments: '' }));
    expect(again.code).toBe('CM_SERVER_ERROR');
    expect(again.details.serverMessage).toMatch(/already been issued/);

    await execution.setRequestStatus(ALICE, 'Completed');
    expect((await client.getRequest(ALICE))?.status).toBe('Completed');
    expect((await client.getSmartcard(ids.smartcardUuid))?.status).toBe('Active');
  });

  it('a refusal of the admin answer is CM_SERVER_ERROR with CM words; a card id in another form never leaves the station', async () => {
    const { execution, ids } = await setup();
    const other = await stationError(
      execution.getAuthenticationResponse({ ...ids, smartcardUuid: '0f0f0f0f-0000-4000-8000-000000000000' }, randomBytes(8), false),
    );
    expect(other.code).toBe('CM_SERVER_ERROR');
    expect(other.details.serverMessage).toMatch(/not the smart card assigned/);
    expect((await stationError(execution.getDiversifiedKey({ ...ids, cardId: ids.cardId.toUpperCase() }))).code).toBe('BAD_REQUEST');
  });

  it('gets a proposed PIN where the template has CM propose one, and a refusal where it does not', async () => {
    const plain = await setup();
    expect((await stationError(plain.execution.getServerProposedPin(plain.ids))).code).toBe('CM_SERVER_ERROR');
    const profiles = defaultExecutionProfiles().map((p) =>
      p.profileTemplateUuid === STAFF ? { ...p, configuration: { ...p.configuration, UserPinOption: 'ServerDistributed' } } : p,
    );
    const proposing = await setup({ executionProfiles: profiles });
    expect(await proposing.execution.getServerProposedPin(proposing.ids)).toMatch(/^\d{8}$/);
    expect((await proposing.execution.getSmartcardConfiguration(STAFF)).userPinOption).toBe('ServerDistributed');
  });
});
