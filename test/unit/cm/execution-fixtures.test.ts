import { createCipheriv } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createCmClient, createCmExecutionClient, nodeFetchTransport, type ExecutionIds } from '../../../src/main/cm';
import { parseCertificateData } from '../../../src/main/cm/execution';
import { stationError } from './harness';

/**
 * The execution routes of the CM client against Microsoft's own examples (test/fixtures/cm-execution,
 * each naming its page), served over real HTTP by a server that answers exactly what the page shows.
 */

interface Fixture {
  page: string;
  request: { method: string; path: string; body?: string };
  response: { status: number; body: string };
}
const fixture = (name: string): Fixture => JSON.parse(readFileSync(new URL(`../../fixtures/cm-execution/${name}.json`, import.meta.url), 'utf8')) as Fixture;

interface Received {
  method: string;
  url: string;
  body: string;
}
type Answer = { status: number; body?: string; contentType?: string };

const servers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of servers.splice(0)) await close();
});

/** A CM stand-in: `answer` decides per call; profiletemplates (the client's API-enabled probe) answers []. */
async function fakeCm(answer: (r: Received) => Answer) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { method: req.method ?? '', url: req.url ?? '', body: Buffer.concat(chunks).toString('utf8') };
      received.push(r);
      const a = /\/profiletemplates$/.test(r.url) ? { status: 200, body: '[]' } : answer(r);
      res.writeHead(a.status, a.body === undefined ? {} : { 'Content-Type': a.contentType ?? 'application/json; charset=utf-8' }).end(a.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(() => new Promise((resolve) => server.close(() => resolve())));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/CertificateManagement/api/v1.0/`;
  const client = createCmClient({ baseUrl: base, transport: nodeFetchTransport, timeoutMs: 2_000, getRetries: 0 });
  return { received, execution: createCmExecutionClient({ call: client.call }) };
}

/** The ids of the pages' examples (get-smartcard-authentication-response.md and its neighbours). */
const EXAMPLE_IDS: ExecutionIds = {
  requestId: 'a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099',
  smartcardUuid: '17cf063d-e337-4aa9-a822-346554ddd3c9',
  cardId: 'bc88f13f-83ba-4037-8262-46eba1291c6e',
  atr: '',
};
const pathOf = (f: Fixture) => f.request.path.replace(/^\/certificatemanagement/i, '/CertificateManagement');
const tripleDes = (key: Buffer, block: Buffer) => {
  const cipher = createCipheriv('des-ede3', key, null).setAutoPadding(false);
  return Buffer.concat([cipher.update(block), cipher.final()]);
};

describe('authenticationresponse (get-smartcard-authentication-response.md)', () => {
  const page = fixture('authentication-response');
  const challenge = Buffer.from(decodeURIComponent(/challenge=([^&]+)/.exec(page.request.path)![1]!), 'base64');

  it("sends the page's request and reads its answer: 3DES-ECB of the challenge under an all-zero key", async () => {
    const { received, execution } = await fakeCm(() => ({ status: page.response.status, body: page.response.body }));
    const response = await execution.getAuthenticationResponse(EXAMPLE_IDS, challenge, false);
    // The page's URL, byte for byte: base64 challenge URL-encoded (+ / =), the ids as given.
    const sent = received[0]!.url;
    expect(sent.split('?')[0]).toBe(pathOf(page).split('?')[0]);
    expect(new URLSearchParams(sent.split('?')[1]).get('challenge')).toBe('1hFD+cz/0so=');
    expect(sent).toContain('challenge=1hFD%2Bcz%2F0so%3D');
    expect(sent).toContain('cardid=bc88f13f-83ba-4037-8262-46eba1291c6e');
    expect(sent).toContain('diversified=false');
    expect(sent).not.toContain('atr=');
    expect(response).toEqual(Buffer.from(JSON.parse(page.response.body) as string, 'base64'));
    expect(response).toEqual(tripleDes(Buffer.alloc(24), challenge));
  });

  it('sends diversified=true and the ATR as the bind sent it', async () => {
    const { received, execution } = await fakeCm(() => ({ status: 200, body: page.response.body }));
    await execution.getAuthenticationResponse({ ...EXAMPLE_IDS, atr: '3B 8D 01 80' }, challenge, true);
    expect(received[0]!.url).toContain('diversified=true');
    expect(received[0]!.url).toContain('atr=3b8d0180');
  });

  it('refuses an answer that is not one 3DES block, or not base64, or 204: CM_MALFORMED_RESPONSE', async () => {
    for (const body of ['"AAAAAAAAAA=="', '"not base64!"', '{"x":1}', 'F0Zudm4wPLY=']) {
      const { execution } = await fakeCm(() => ({ status: 200, body }));
      expect((await stationError(execution.getAuthenticationResponse(EXAMPLE_IDS, challenge, false))).code).toBe('CM_MALFORMED_RESPONSE');
    }
    const { execution } = await fakeCm(() => ({ status: 204 }));
    expect((await stationError(execution.getAuthenticationResponse(EXAMPLE_IDS, challenge, false))).code).toBe('CM_MALFORMED_RESPONSE');
  });

  it('refuses bad input before any call: a challenge that is not 8 bytes, a card id in another form than the bind', async () => {
    const { received, execution } = await fakeCm(() => ({ status: 200, body: page.response.body }));
    expect((await stationError(execution.getAuthenticationResponse(EXAMPLE_IDS, Buffer.alloc(7), false))).code).toBe('BAD_REQUEST');
    const upper = { ...EXAMPLE_IDS, cardId: EXAMPLE_IDS.cardId.toUpperCase() };
    expect((await stationError(execution.getAuthenticationResponse(upper, challenge, false))).code).toBe('BAD_REQUEST');
    expect((await stationError(execution.getAuthenticationResponse({ ...EXAMPLE_IDS, requestId: 'x' }, challenge, false))).code).toBe('BAD_REQUEST');
    expect(received).toHaveLength(0);
  });
});

describe('diversifiedkey (get-smartcard-diversified-admin-key.md)', () => {
  const page = fixture('diversified-key');

  it("sends the page's request and returns the 24 bytes as received (DES parity on every byte)", async () => {
    const { received, execution } = await fakeCm(() => ({ status: 200, body: page.response.body }));
    const key = await execution.getDiversifiedKey(EXAMPLE_IDS);
    expect(received[0]!.url).toBe(pathOf(page));
    expect(key.toString('base64')).toBe(JSON.parse(page.response.body));
    expect(key).toHaveLength(24);
    for (const byte of key) expect(byte.toString(2).split('1').length % 2).toBe(0);
  });

  it('refuses a key that is not 24 bytes', async () => {
    const { execution } = await fakeCm(() => ({ status: 200, body: JSON.stringify(Buffer.alloc(16).toString('base64')) }));
    const err = await stationError(execution.getDiversifiedKey(EXAMPLE_IDS));
    expect(err.code).toBe('CM_MALFORMED_RESPONSE');
    expect(err.details.problem).toContain('16 bytes');
  });
});

describe('configuration/smartcards (SmartcardConfig; walkthrough steps 12-13, 17, 21)', () => {
  const page = fixture('smartcard-configuration');

  it('reads the published example: no initial key (""), diversified, an undocumented PIN option number kept as unknown', async () => {
    const { received, execution } = await fakeCm(() => ({ status: 200, body: page.response.body }));
    const config = await execution.getSmartcardConfiguration('a039b4d0-5ce8-4eff-8651-181c6576fda3');
    expect(received[0]!.url).toBe(pathOf(page));
    expect(config).toEqual({ defaultAdminKey: null, diversifyAdminKey: true, userPinOption: 'Unknown(3)', minimumPinLength: 10, maximumPinLength: 10 });
  });

  it('reads a key, PIN option names in any case, and refuses what would put a wrong key on a card', async () => {
    const answer = {
      status: 200,
      body: JSON.stringify({ defaultAdminKeyHex: '010203040506070801020304050607080102030405060708', diversifyAdminKey: false, userPinOption: 'userprovided' }),
    };
    const { execution } = await fakeCm(() => answer);
    const config = await execution.getSmartcardConfiguration('a039b4d0-5ce8-4eff-8651-181c6576fda3');
    expect(config.defaultAdminKey?.toString('hex')).toBe('010203040506070801020304050607080102030405060708');
    expect(config).toMatchObject({ diversifyAdminKey: false, userPinOption: 'UserProvided', minimumPinLength: null, maximumPinLength: null });
    for (const body of [
      { DefaultAdminKeyHex: '0102', UserPinOption: 1 },
      { DefaultAdminKeyHex: 'zz', DiversifyAdminKey: true },
    ]) {
      const bad = await fakeCm(() => ({ status: 200, body: JSON.stringify(body) }));
      expect((await stationError(bad.execution.getSmartcardConfiguration('a039b4d0-5ce8-4eff-8651-181c6576fda3'))).code).toBe('CM_MALFORMED_RESPONSE');
    }
    const unknown = await fakeCm(() => ({ status: 200, body: JSON.stringify({ DiversifyAdminKey: 'True', UserPinOption: 'SomethingNew' }) }));
    expect((await unknown.execution.getSmartcardConfiguration('a039b4d0-5ce8-4eff-8651-181c6576fda3')).userPinOption).toBe('Unknown(SomethingNew)');
  });
});

describe('certificaterequestgenerationoptions (get-certificate-request-generation-options.md)', () => {
  const page = fixture('generation-options');

  it("reads the page's example (Exportable as 0), names of key usages, the documented default, and 204 as none", async () => {
    const { received, execution } = await fakeCm(() => ({ status: 200, body: page.response.body }));
    expect(await execution.getCertificateRequestGenerationOptions(EXAMPLE_IDS.requestId)).toEqual([
      { subject: '', keyAlgorithmName: 'RSA', keySize: 2048, friendlyName: '', hashAlgorithmName: 'SHA1', exportable: false, keyUsages: 3 },
    ]);
    expect(received[0]!.url).toBe(pathOf(page));
    const named = await fakeCm(() => ({
      status: 200,
      body: JSON.stringify([
        { KeyAlgorithmName: 'RSA', KeySize: '2048', KeyUsages: 'Decryption, Signing' },
        { KeyAlgorithmName: 'ECDSA_P256', KeySize: 256 },
      ]),
    }));
    expect((await named.execution.getCertificateRequestGenerationOptions(EXAMPLE_IDS.requestId)).map((o) => o.keyUsages)).toEqual([3, 2]);
    const none = await fakeCm(() => ({ status: 204 }));
    expect(await none.execution.getCertificateRequestGenerationOptions(EXAMPLE_IDS.requestId)).toEqual([]);
    const bad = await fakeCm(() => ({ status: 200, body: JSON.stringify([{ KeyAlgorithmName: 'RSA' }]) }));
    expect((await stationError(bad.execution.getCertificateRequestGenerationOptions(EXAMPLE_IDS.requestId))).code).toBe('CM_MALFORMED_RESPONSE');
  });
});

describe('certificatedata (get-certificate-responses.md)', () => {
  const page = fixture('certificate-data');
  const pageRequest = JSON.parse(page.request.body!) as { pfxpassword: string; certificaterequests: string[] };

  it("posts the page's body and hands back the answer unparsed; parseCertificateData reads it", async () => {
    const { received, execution } = await fakeCm(() => ({ status: 200, body: page.response.body }));
    const { raw } = await execution.postCertificateData({
      requestId: 'C6BAD97C-F97F-4920-8947-BE980C98C6B5',
      certificateRequests: pageRequest.certificaterequests,
      pfxPassword: pageRequest.pfxpassword,
      comments: '',
    });
    expect(raw).toBe(page.response.body);
    expect(received[0]).toMatchObject({ method: 'POST', url: '/CertificateManagement/api/v1.0/requests/c6bad97c-f97f-4920-8947-be980c98c6b5/certificatedata' });
    expect(JSON.parse(received[0]!.body)).toEqual({ ...pageRequest, comments: '' });
    const [answer, ...rest] = parseCertificateData(raw);
    expect(rest).toEqual([]);
    const wire = (JSON.parse(page.response.body) as Array<{ Pkcs7: string }>)[0]!;
    expect(answer).toEqual({
      templateCommonName: 'ContosoVirtualSmartCardLimitedRelease-KSP',
      certificateId: '0',
      error: null,
      pkcs7: Buffer.from(wire.Pkcs7, 'base64').toString('base64'),
      pfx: null,
      isServerGenerated: false,
      isKeyHistory: false,
    });
    // The CMC response itself: a CMS SignedData (OID 1.2.840.113549.1.7.2) with the three certificates.
    expect(Buffer.from(answer!.pkcs7!, 'base64').subarray(4, 17).toString('hex')).toBe('06092a864886f70d010702a082');
  });

  it('sends an empty pfxpassword when none is given (walkthrough step 26); any 2xx but 200 is an unknown outcome', async () => {
    const { received, execution } = await fakeCm(() => ({ status: 204 }));
    const err = await stationError(
      execution.postCertificateData({ requestId: EXAMPLE_IDS.requestId, certificateRequests: ['MIIB'], pfxPassword: null, comments: 'x' }),
    );
    expect(err.code).toBe('CM_OUTCOME_UNKNOWN');
    expect(JSON.parse(received[0]!.body)).toEqual({ pfxpassword: '', certificaterequests: ['MIIB'], comments: 'x' });
    const bad = await stationError(
      execution.postCertificateData({ requestId: EXAMPLE_IDS.requestId, certificateRequests: ['not base64!'], pfxPassword: null, comments: '' }),
    );
    expect(bad.code).toBe('BAD_REQUEST');
    expect(received).toHaveLength(1);
  });

  it('parseCertificateData: one object (walkthrough step 27), lower/upper-case names, and malformed answers', () => {
    const one = parseCertificateData(
      JSON.stringify({ templatecommonname: 'T', CertificateId: 'abc', Pkcs7: 'TUlJQg==', ISPKCS7: 1, IsServerGenerated: 'true' }),
    );
    expect(one).toEqual([
      { templateCommonName: 'T', certificateId: 'abc', error: null, pkcs7: 'TUlJQg==', pfx: null, isServerGenerated: true, isKeyHistory: false },
    ]);
    expect(parseCertificateData('[]')).toEqual([]);
    for (const raw of ['', 'not json', '[{"isPkcs7":true,"Pkcs7":null}]', '[{"isPfx":true}]', '[{"Pkcs7":"%%%"}]', '"x"', '[{"isKeyHistory":"maybe"}]']) {
      let code: string | null = null;
      try {
        parseCertificateData(raw);
      } catch (err) {
        code = (err as { code?: string }).code ?? null;
      }
      expect(code, raw).toBe('CM_MALFORMED_RESPONSE');
    }
  });
});

describe('PUT requests/{id} (cancel-abandon-complete-request.md)', () => {
  const page = fixture('complete-request');

  it("sends the page's request; 200 with the Request or 204 both resolve", async () => {
    const { received, execution } = await fakeCm(() => ({ status: 200, body: page.response.body }));
    await execution.setRequestStatus(EXAMPLE_IDS.requestId, 'Completed');
    expect(received[0]).toMatchObject({ method: 'PUT', url: pathOf(page) });
    expect(JSON.parse(received[0]!.body)).toEqual(JSON.parse(page.request.body!));
    const empty = await fakeCm(() => ({ status: 204 }));
    await expect(empty.execution.setRequestStatus(EXAMPLE_IDS.requestId, 'Canceled')).resolves.toBeUndefined();
    const refused = await fakeCm(() => ({ status: 500, body: '{"Message":"An error has occurred."}' }));
    expect((await stationError(refused.execution.setRequestStatus(EXAMPLE_IDS.requestId, 'Completed'))).code).toBe('CM_SERVER_ERROR');
  });
});

describe('serverproposedpin (get-smartcard-proposed-pin.md vs the route table)', () => {
  const page = fixture('server-proposed-pin');

  it("tries the route table's path, and the page's only when CM says the first does not exist", async () => {
    const { received, execution } = await fakeCm((r) =>
      r.url.includes('/requests/') ? { status: 404, body: '{"Message":"No HTTP resource was found."}' } : { status: 200, body: '"73920514"' },
    );
    expect(await execution.getServerProposedPin(EXAMPLE_IDS)).toBe('73920514');
    expect(received.map((r) => r.url.split('?')[0])).toEqual([
      '/CertificateManagement/api/v1.0/requests/a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099/smartcards/17cf063d-e337-4aa9-a822-346554ddd3c9/serverproposedpin',
      '/CertificateManagement/api/v1.0/smartcards/17cf063d-e337-4aa9-a822-346554ddd3c9/serverproposedpin',
    ]);
    expect(page.request.path).toMatch(/\/smartcards\/[^/]+\/serverproposedpin$/);
    expect(received[1]!.url).toContain('cardid=bc88f13f-83ba-4037-8262-46eba1291c6e');
  });

  it('does not fall back on a refusal, and never puts the PIN in an error', async () => {
    const refused = await fakeCm(() => ({ status: 500, body: '{"Message":"An error has occurred."}' }));
    expect((await stationError(refused.execution.getServerProposedPin(EXAMPLE_IDS))).code).toBe('CM_SERVER_ERROR');
    expect(refused.received).toHaveLength(1);
    const notString = await fakeCm(() => ({ status: 200, body: '73920514' }));
    const err = await stationError(notString.execution.getServerProposedPin(EXAMPLE_IDS));
    expect(err.code).toBe('CM_MALFORMED_RESPONSE');
    expect(JSON.stringify(err.toPayload())).not.toContain('73920514');
  });
});

describe('sample-enrollment-walkthrough.md', () => {
  const walk = JSON.parse(readFileSync(new URL('../../fixtures/cm-execution/walkthrough.json', import.meta.url), 'utf8')) as {
    configuration: string;
    diversifiedKey: string;
    authenticationResponse: string;
    generationOptions: string;
    certificateData: { path: string; body: Record<string, unknown> };
    complete: { path: string; body: Record<string, unknown> };
  };
  // The walkthrough's ids, in the bind's normal form (the client lower-cases GUIDs as the bind does).
  const ids: ExecutionIds = {
    requestId: 'C6BAD97C-F97F-4920-8947-BE980C98C6B5',
    smartcardUuid: 'D700D97C-F91F-4930-8947-BE980C98A644',
    cardId: '23cadd5f-020d-4c3b-a5ca-307b7a06f9c9',
    atr: '',
  };
  const sameRoute = (sent: string, documented: string) => expect(sent.toLowerCase()).toBe(documented.replace(/^GET /, '').toLowerCase());

  it('the client calls the walkthrough steps by the same routes, with the same bodies', async () => {
    const { received, execution } = await fakeCm((r) => {
      if (r.url.includes('/configuration/')) return { status: 200, body: '{"DiversifyAdminKey":true,"DefaultAdminKeyHex":""}' };
      if (r.url.includes('/diversifiedkey')) return { status: 200, body: '"mBVA+HopB/gc+6FuKsQqx+OX01hK1WQI"' };
      if (r.url.includes('/authenticationresponse')) return { status: 200, body: '"F0Zudm4wPLY="' };
      if (r.url.includes('/certificaterequestgenerationoptions')) return { status: 204 };
      return { status: 200, body: '[]' };
    });
    await execution.getSmartcardConfiguration('97CD65FA-AF4B-4587-9309-0DD6BFD8B4E1');
    await execution.getDiversifiedKey(ids);
    await execution.getAuthenticationResponse(ids, Buffer.from('CFAA62118BBD2500', 'hex'), false);
    await execution.getCertificateRequestGenerationOptions(ids.requestId);
    await execution.postCertificateData({ requestId: ids.requestId, certificateRequests: ['MIIDZDC='], pfxPassword: '', comments: '' });
    await execution.setRequestStatus(ids.requestId, 'Completed');
    sameRoute(received[0]!.url, walk.configuration);
    sameRoute(received[1]!.url, walk.diversifiedKey);
    // Step 19 shows the challenge in hex; the reference page's base64 is what is sent.
    expect(received[2]!.url.split('?')[0]!.toLowerCase()).toBe(walk.authenticationResponse.replace(/^GET /, '').split('?')[0]!.toLowerCase());
    expect(received[2]!.url).toContain(`challenge=${encodeURIComponent(Buffer.from('CFAA62118BBD2500', 'hex').toString('base64'))}`);
    sameRoute(received[3]!.url, walk.generationOptions);
    sameRoute(received[4]!.url, walk.certificateData.path);
    expect(Object.keys(JSON.parse(received[4]!.body) as object)).toEqual(expect.arrayContaining(Object.keys(walk.certificateData.body)));
    sameRoute(received[5]!.url, walk.complete.path);
    expect(JSON.parse(received[5]!.body)).toEqual(walk.complete.body);
  });
});
