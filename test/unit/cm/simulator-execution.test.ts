import { randomBytes, webcrypto } from 'node:crypto';
import { join } from 'node:path';
import * as x509 from '../../../src/main/training/cm-sim/execution/x509';
import { describe, expect, it } from 'vitest';
import { seedGuid, type CmSimulator } from '../../../src/main/training/cm-sim';
import { defaultExecutionProfiles } from '../../../src/main/training/cm-sim/execution/profiles';
import { ATR, FACTORY_9B_KEY, cardKeyAndCsr, cmsCertificates, cmsPrint, cmsSignatureVerifies, opensslVerify, tripleDes } from './execution-helpers';
import { http, startSim, tempDir } from './harness';

/**
 * The simulator's execution routes over HTTP, each against its page (MIMDocs/reference), judged by
 * 3DES and by openssl. Wire numbers written here from the docs: request Status 3 Approved, 8
 * Completed, 9 Failed, 18 Executing (cm-rest-api.md [Q1]); smart card Status 2 Assigned, 3 Active.
 */

const req = (label: string) => seedGuid(`request/${label}`);
const STAFF = 'b5a8351e-3ff8-542f-8ec8-7adc37cc4374';
const SOFTWARE = '2794bdfb-7e2d-53a4-8c0b-3f7887f018a0';
const CARD_ID = '5c1f2a8e-94b3-4d0f-a1e7-3b6c9d2e8f40';
const message = (body: string) => (JSON.parse(body) as { Message?: string }).Message ?? '';

/** Binds CARD_ID to the request (the existing bind route) and returns the new CM smart card Uuid. */
async function bind(sim: CmSimulator, requestId: string, cardId = CARD_ID): Promise<string> {
  const answer = await http(sim, 'POST', 'smartcards', { requestid: requestId, cardid: cardId, atr: ATR });
  expect(answer.status).toBe(201);
  return (JSON.parse(answer.body) as string).split('/').at(-1)!;
}

function authPath(requestId: string, scid: string, query: Record<string, string>) {
  return `requests/${requestId}/smartcards/${scid}/authenticationresponse?${new URLSearchParams(query).toString()}`;
}

async function postCsrs(sim: CmSimulator, requestId: string, csrs: string[]) {
  return http(sim, 'POST', `requests/${requestId}/certificatedata`, { pfxpassword: '', certificaterequests: csrs, comments: '' });
}

describe('configuration and options', () => {
  it('serves each template its smart card configuration and generation options; 204 where there is none', async () => {
    const sim = await startSim();
    const config = JSON.parse((await http(sim, 'GET', `profiletemplates/${STAFF}/configuration/smartcards`)).body) as Record<string, unknown>;
    expect(config).toMatchObject({
      DefaultAdminKeyHex: FACTORY_9B_KEY.toString('hex'),
      DiversifyAdminKey: true,
      UserPinOption: 'UserProvided',
      UserPinPolicy: { MinLength: 6, MaxLength: 8 },
    });
    expect((await http(sim, 'GET', `profiletemplates/${SOFTWARE}/configuration/smartcards`)).status).toBe(204);
    // The documented example template serves the documented example, verbatim where it matters.
    const example = JSON.parse((await http(sim, 'GET', 'profiletemplates/a039b4d0-5ce8-4eff-8651-181c6576fda3/configuration/smartcards')).body) as Record<
      string,
      unknown
    >;
    expect(example).toMatchObject({ UserPinOption: 3, DefaultAdminKeyHex: '', DiversifyAdminKey: true });
    const staff = JSON.parse((await http(sim, 'GET', `requests/${req('enroll-alice')}/certificaterequestgenerationoptions`)).body) as unknown[];
    expect(staff).toEqual([expect.objectContaining({ KeyAlgorithmName: 'RSA', KeySize: 2048, HashAlgorithmName: 'SHA256', KeyUsages: 3 })]);
    const contractor = JSON.parse((await http(sim, 'GET', `requests/${req('enroll-dana')}/certificaterequestgenerationoptions`)).body) as Array<{
      KeyUsages: number;
    }>;
    expect(contractor.map((o) => o.KeyUsages)).toEqual([3, 2]);
    expect((await http(sim, 'GET', `requests/${req('enroll-bram-software')}/certificaterequestgenerationoptions`)).status).toBe(204);
    expect((await http(sim, 'GET', `requests/0f0f0f0f-0000-4000-8000-000000000000/certificaterequestgenerationoptions`)).status).toBe(500);
  });
});

describe('admin key routes', () => {
  it('answers the challenge with 3DES under the factory key, then under the diversified key', async () => {
    const sim = await startSim();
    const scid = await bind(sim, req('enroll-alice'));
    const challenge = randomBytes(8);
    const plain = await http(
      sim,
      'GET',
      authPath(req('enroll-alice'), scid, { cardid: CARD_ID, challenge: challenge.toString('base64'), diversified: 'false' }),
    );
    expect(plain.status).toBe(200);
    expect(Buffer.from(JSON.parse(plain.body) as string, 'base64')).toEqual(tripleDes(FACTORY_9B_KEY, challenge));

    const keyAnswer = await http(sim, 'GET', `requests/${req('enroll-alice')}/smartcards/${scid}/diversifiedkey?cardid=${CARD_ID}&atr=${ATR}`);
    const key = Buffer.from(JSON.parse(keyAnswer.body) as string, 'base64');
    expect(key).toHaveLength(24);
    for (const byte of key) expect(byte.toString(2).split('1').length % 2).toBe(0);
    expect(key.equals(FACTORY_9B_KEY)).toBe(false);
    // The same card id always gets the same key (a resumed issuance must find it again).
    expect((await http(sim, 'GET', `requests/${req('enroll-alice')}/smartcards/${scid}/diversifiedkey?cardid=${CARD_ID}`)).body).toBe(keyAnswer.body);

    const diversified = await http(
      sim,
      'GET',
      authPath(req('enroll-alice'), scid, { cardid: CARD_ID, challenge: challenge.toString('base64'), diversified: 'True' }),
    );
    expect(Buffer.from(JSON.parse(diversified.body) as string, 'base64')).toEqual(tripleDes(key, challenge));
  });

  it('refuses with a 500 and a Message: another card id (even re-cased), another card, an unbound request, a hex challenge', async () => {
    const sim = await startSim();
    const scid = await bind(sim, req('enroll-alice'));
    const challenge = randomBytes(8).toString('base64');
    const cases = [
      authPath(req('enroll-alice'), scid, { cardid: CARD_ID.toUpperCase(), challenge, diversified: 'false' }),
      authPath(req('enroll-alice'), scid, { challenge, diversified: 'false' }),
      authPath(req('enroll-alice'), '0f0f0f0f-0000-4000-8000-000000000000', { cardid: CARD_ID, challenge, diversified: 'false' }),
      authPath(req('enroll-bram'), scid, { cardid: CARD_ID, challenge, diversified: 'false' }),
      // sample-enrollment-walkthrough.md step 19's hex challenge: the reference page says base64.
      authPath(req('enroll-alice'), scid, { cardid: CARD_ID, challenge: 'CFAA62118BBD25', diversified: 'false' }),
      authPath(req('enroll-alice'), scid, { cardid: CARD_ID, challenge, diversified: 'maybe' }),
      `requests/${req('enroll-alice')}/smartcards/${scid}/diversifiedkey?cardid=${CARD_ID.replace(/0$/, '1')}`,
    ];
    for (const path of cases) {
      const answer = await http(sim, 'GET', path);
      expect(answer.status, path).toBe(500);
      expect(message(answer.body), path).toMatch(/^An error has occurred\. /);
    }
  });

  it('proposes a PIN only for a template that asks for one, the same on both documented paths', async () => {
    const sim = await startSim();
    const scid = await bind(sim, req('enroll-alice'));
    expect((await http(sim, 'GET', `requests/${req('enroll-alice')}/smartcards/${scid}/serverproposedpin`)).status).toBe(500);
    const profiles = defaultExecutionProfiles().map((p) =>
      p.profileTemplateUuid === STAFF ? { ...p, configuration: { ...p.configuration, UserPinOption: 'ServerDistributed' } } : p,
    );
    const proposing = await startSim({ executionProfiles: profiles });
    const card = await bind(proposing, req('enroll-alice'));
    const byTable = await http(proposing, 'GET', `requests/${req('enroll-alice')}/smartcards/${card}/serverproposedpin?cardid=${CARD_ID}`);
    const byPage = await http(proposing, 'GET', `smartcards/${card}/serverproposedpin`);
    expect(byTable.status).toBe(200);
    expect(JSON.parse(byTable.body)).toMatch(/^\d{8}$/);
    expect(byPage.body).toBe(byTable.body);
  });
});

describe('certificatedata', () => {
  it('issues one certificate per request as a CMC Full PKI Response that openssl verifies, chained to the CA; once only, even after a restart', async () => {
    const dir = await tempDir();
    const dataFile = join(dir, 'cm-simulator.json');
    const sim = await startSim({ dataFile });
    const scid = await bind(sim, req('enroll-alice'));
    const { csr, spki } = await cardKeyAndCsr();
    const answer = await postCsrs(sim, req('enroll-alice'), [csr]);
    expect(answer.status).toBe(200);
    const [certificate, ...more] = JSON.parse(answer.body) as Array<Record<string, unknown>>;
    expect(more).toEqual([]);
    // get-certificate-responses.md's Certificate object, field for field.
    expect(certificate).toMatchObject({
      TemplateCommonName: 'StationTrainingStaffLogon',
      Error: null,
      Pfx: null,
      IsExternal: false,
      isServerGenerated: false,
      isPfx: false,
      isPkcs7: true,
      isKeyHistory: false,
    });
    const pkcs7 = Buffer.from(certificate!.Pkcs7 as string, 'base64');
    expect(cmsSignatureVerifies(pkcs7, dir)).toMatchObject({ ok: true });
    const printed = cmsPrint(pkcs7);
    expect(printed).toContain('eContentType: id-cct-PKIResponse (1.3.6.1.5.5.7.12.3)');
    const [leaf, issuing, root] = cmsCertificates(pkcs7);
    const ca = await sim.admin.caCertificates();
    expect(new x509.X509Certificate(issuing!).toString('pem').trim()).toBe(ca.issuing.trim());
    expect(new x509.X509Certificate(root!).toString('pem').trim()).toBe(ca.root.trim());
    const cert = new x509.X509Certificate(leaf!);
    expect(Buffer.from(cert.publicKey.rawData)).toEqual(spki);
    expect(cert.subject).toContain('CN=Alice Martin');
    expect(opensslVerify(leaf!, ca, dir)).toMatchObject({ ok: true });
    expect(sim.admin.state().requests.find((r) => r.Uuid === req('enroll-alice'))?.Status).toBe(18);
    expect(sim.admin.state().issuances?.[0]).toMatchObject({ RequestUuid: req('enroll-alice'), CertificateSerials: [cert.serialNumber.toLowerCase()] });

    const again = await postCsrs(sim, req('enroll-alice'), [csr]);
    expect(again.status).toBe(500);
    expect(message(again.body)).toMatch(/already been issued/);
    await sim.close();
    const restarted = await startSim({ dataFile });
    expect((await postCsrs(restarted, req('enroll-alice'), [(await cardKeyAndCsr()).csr])).status).toBe(500);
    // The same CA after the restart: what it issued keeps verifying.
    expect(await restarted.admin.caCertificates()).toEqual(ca);
    expect((await http(restarted, 'GET', `requests/${req('enroll-alice')}/smartcards/${scid}/diversifiedkey?cardid=${CARD_ID}`)).status).toBe(200);
  });

  it('refuses an unbound request, the wrong number of requests, a bad signature, a key of the wrong size; nothing is spent', async () => {
    const sim = await startSim();
    const { csr } = await cardKeyAndCsr();
    expect(message((await postCsrs(sim, req('enroll-alice'), [csr])).body)).toMatch(/is not the smart card assigned/);
    await bind(sim, req('enroll-alice'));
    expect(message((await postCsrs(sim, req('enroll-alice'), [csr, csr])).body)).toMatch(/needs 1 certificate request/);
    const der = Buffer.from(csr, 'base64');
    der[der.length - 1] = (der[der.length - 1] ?? 0) ^ 0xff;
    expect(message((await postCsrs(sim, req('enroll-alice'), [der.toString('base64')])).body)).toMatch(/invalid signature/);
    expect(message((await postCsrs(sim, req('enroll-alice'), ['not base64!'])).body)).toMatch(/not base64/);
    const keys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    const ec = await x509.Pkcs10CertificateRequestGenerator.create({ name: 'CN=Card', keys, signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } });
    expect(message((await postCsrs(sim, req('enroll-alice'), [Buffer.from(ec.rawData).toString('base64')])).body)).toMatch(/not an RSA-2048 key/);
    expect(sim.admin.state().issuances ?? []).toEqual([]);
    expect((await postCsrs(sim, req('enroll-alice'), [csr])).status).toBe(200);
  });

  it('fault rules spoil the answer as issue 16 item 9 lists: fewer, more, a foreign key, a Pkcs7 that is not CMS, a refusal', async () => {
    const dir = await tempDir();
    const sim = await startSim();
    const route = 'POST /requests/{id}/certificatedata' as const;
    const run = async (label: string, how: 'fewer' | 'more' | 'foreign-key' | 'invalid-pkcs7') => {
      sim.admin.setFaults([{ route, fault: { kind: 'tamper-certificates', how }, times: 1 }]);
      await bind(sim, req(label), seedGuid(`cardid/test-${label}`));
      const { csr, spki } = await cardKeyAndCsr();
      const answer = await postCsrs(sim, req(label), [csr]);
      expect(answer.status).toBe(200);
      return { list: JSON.parse(answer.body) as Array<{ Pkcs7: string }>, spki };
    };
    expect((await run('enroll-alice', 'fewer')).list).toEqual([]);
    expect((await run('enroll-bram', 'more')).list).toHaveLength(2);
    const foreign = await run('enroll-farah-staff', 'foreign-key');
    const [leaf] = cmsCertificates(Buffer.from(foreign.list[0]!.Pkcs7, 'base64'));
    expect(Buffer.from(new x509.X509Certificate(leaf!).publicKey.rawData).equals(foreign.spki)).toBe(false);
    // A CM outage and a refusal are the existing fault kinds, on this route.
    sim.admin.setFaults([{ route, fault: { kind: 'refusal', status: 500, message: 'An error has occurred. The CA is not available.' }, times: 1 }]);
    await bind(sim, req('enroll-emil-contractor'), seedGuid('cardid/test-emil'));
    const refused = await postCsrs(sim, req('enroll-emil-contractor'), [(await cardKeyAndCsr()).csr, (await cardKeyAndCsr()).csr]);
    expect(refused).toMatchObject({ status: 500 });
    expect(message(refused.body)).toBe('An error has occurred. The CA is not available.');
    // The invalid-Pkcs7 case last: openssl refuses it.
    const profiles = await startSim();
    profiles.admin.setFaults([{ route, fault: { kind: 'tamper-certificates', how: 'invalid-pkcs7' } }]);
    await bind(profiles, req('enroll-alice'));
    const bad = JSON.parse((await postCsrs(profiles, req('enroll-alice'), [(await cardKeyAndCsr()).csr])).body) as Array<{ Pkcs7: string }>;
    expect(cmsSignatureVerifies(Buffer.from(bad[0]!.Pkcs7, 'base64'), dir).ok).toBe(false);
  });
});

describe('PUT requests/{id}', () => {
  it('Completed needs the certificates, completes the request and makes the card Active; a repeat is refused', async () => {
    const sim = await startSim();
    const scid = await bind(sim, req('enroll-alice'));
    expect(message((await http(sim, 'PUT', `requests/${req('enroll-alice')}`, { status: 'Completed' })).body)).toMatch(/no certificates yet/);
    await postCsrs(sim, req('enroll-alice'), [(await cardKeyAndCsr()).csr]);
    const done = await http(sim, 'PUT', `requests/${req('enroll-alice')}`, { Status: 'Completed' });
    expect(done.status).toBe(200);
    expect(JSON.parse(done.body)).toMatchObject({ Uuid: req('enroll-alice'), Status: 8 });
    expect(JSON.parse((await http(sim, 'GET', `smartcards/${scid}`)).body)).toMatchObject({ Status: 3 });
    expect(JSON.parse((await http(sim, 'GET', `requests/${req('enroll-alice')}`)).body).Completed).not.toMatch(/^0001/);
    expect((await http(sim, 'PUT', `requests/${req('enroll-alice')}`, { status: 'Completed' })).status).toBe(500);
  });

  it('Canceled and Abandoned (the SDK: an abandoned request is Failed); other values refused', async () => {
    const sim = await startSim();
    expect(JSON.parse((await http(sim, 'PUT', `requests/${req('enroll-alice')}`, { status: 'Abandoned' })).body)).toMatchObject({ Status: 9 });
    expect(JSON.parse((await http(sim, 'PUT', `requests/${req('enroll-bram')}`, { status: 'Canceled' })).body)).toMatchObject({ Status: 17 });
    expect((await http(sim, 'PUT', `requests/${req('enroll-dana')}`, { status: 'Approved' })).status).toBe(500);
    expect((await http(sim, 'PUT', `requests/${req('enroll-bram')}`, { status: 'Abandoned' })).status).toBe(500);
  });
});

describe('admin', () => {
  it('GET /__sim/ca gives the CA certificates (PEM), the same as the admin object', async () => {
    const sim = await startSim();
    // The admin routes need the simulator's token (issue 18); without it, 401.
    expect((await fetch(`${sim.adminUrl}ca`)).status).toBe(401);
    const authorized = { headers: { authorization: `Bearer ${sim.adminToken}` } };
    const answer = (await (await fetch(`${sim.adminUrl}ca`, authorized)).json()) as { root: string; issuing: string };
    expect(answer).toEqual(await sim.admin.caCertificates());
    expect(new x509.X509Certificate(answer.root).subject).toContain('Training Root CA');
  });
});

describe('training activation', () => {
  it("leaves a card alone once the station executes its request (only a card nobody executes is 'written' by the stand-in)", async () => {
    const sim = await startSim({ activateAfterMs: 300 });
    const executed = await bind(sim, req('enroll-alice'));
    const other = await bind(sim, req('enroll-bram'), seedGuid('cardid/test-bram'));
    const challenge = randomBytes(8).toString('base64');
    expect((await http(sim, 'GET', authPath(req('enroll-alice'), executed, { cardid: CARD_ID, challenge, diversified: 'false' }))).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 600));
    const cards = sim.admin.state().smartcards;
    expect(cards.find((c) => c.Uuid === executed)?.Status).toBe(2);
    expect(cards.find((c) => c.Uuid === other)?.Status).toBe(3);
  });
});
