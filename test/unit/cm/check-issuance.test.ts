import { describe, expect, it } from 'vitest';
import { nodeFetchTransport, runCmCheck } from '../../../src/main/cm';
import { describeCmCheck } from '../../../src/main/cli/cm-check';
import { startSim } from './harness';

/** cm-check's desk-issuance part against the simulator: what each template allows, and the execution-route probe. */

const check = (baseUrl: string) => runCmCheck({ baseUrl, transport: nodeFetchTransport, timeoutMs: 5_000, requestTypeNumbers: {} });

describe('cm-check: desk issuance', () => {
  it('says which smart card templates allow desk issuance and why not, and that the execution routes answer', async () => {
    const sim = await startSim();
    const report = await check(sim.baseUrl);
    expect(report.issuance?.profiles).toEqual([
      expect.objectContaining({
        name: 'Staff Smart Card Logon',
        verdict: 'allowed',
        adminKeyBytes: 24,
        diversify: true,
        userPinOption: 'UserProvided',
        problems: [],
      }),
      expect.objectContaining({ name: 'Contractor Smart Card', verdict: 'allowed', adminKeyBytes: 24 }),
      // The archived-key training template (an encryption key CM makes, key history): execution/profiles.json.
      expect.objectContaining({ name: 'Staff Smart Card with Archived Encryption Key', verdict: 'allowed', adminKeyBytes: 24 }),
      // The documented example configuration: "DefaultAdminKeyHex":"" and an undocumented UserPinOption number.
      expect.objectContaining({
        templateUuid: 'a039b4d0-5ce8-4eff-8651-181c6576fda3',
        verdict: 'not-allowed',
        adminKeyBytes: 0,
        userPinOption: 'Unknown(3)',
        problems: ['no-admin-key'],
      }),
    ]);
    expect(report.issuance?.executionRoutes).toMatchObject({ result: 'allowed', error: null });
    const sent = sim.admin.received();
    expect(new Set(sent.map((r) => r.method))).toEqual(new Set(['GET']));
    expect(sent.filter((r) => r.path.endsWith('/certificaterequestgenerationoptions'))).toHaveLength(1);
    const text = describeCmCheck(report);
    expect(text).toContain('Staff Smart Card Logon: allowed (key 24 bytes, diversify yes, PIN UserProvided)');
    expect(text).toContain("no initial admin key (DefaultAdminKeyHex): set it to the cards' factory 9B key");
  });

  it('a 403 says exactly what is missing: Execute on the requests, or reading a template configuration', async () => {
    const sim = await startSim();
    sim.admin.setFaults([
      { route: 'GET /requests/{id}/certificaterequestgenerationoptions', fault: { kind: 'forbidden' } },
      { route: 'GET /profiletemplates/{id}/configuration/smartcards', fault: { kind: 'forbidden' }, times: 1 },
    ]);
    const report = await check(sim.baseUrl);
    expect(report.issuance?.executionRoutes).toMatchObject({ result: 'forbidden', error: { code: 'CM_FORBIDDEN' } });
    expect(report.issuance?.profiles[0]).toMatchObject({ verdict: 'unknown', problems: ['forbidden'], error: { code: 'CM_FORBIDDEN' } });
    expect(report.issuance?.profiles[1]).toMatchObject({ verdict: 'allowed' });
    expect(describeCmCheck(report)).toContain('refused (403): the operator needs Execute permission on the requests');
  });

  it('an outage during the issuance part is reported per item, not as a failed check', async () => {
    const sim = await startSim();
    sim.admin.setFaults([{ route: 'GET /profiletemplates/{id}/configuration/smartcards', fault: { kind: 'refusal', status: 500, message: 'boom' } }]);
    const report = await check(sim.baseUrl);
    expect(report.problem).toBeNull();
    expect(report.issuance?.profiles.every((p) => p.verdict === 'unknown' && p.problems[0] === 'unreadable' && p.error?.code === 'CM_SERVER_ERROR')).toBe(true);
  });
});
