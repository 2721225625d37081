import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { seedGuid, type FaultRule } from '../../../src/main/training/cm-sim';
import { fastClient, simWithClient, stationError } from './harness';

const APPROVED = seedGuid('request/enroll-alice');
const PENDING = seedGuid('request/enroll-alice-contractor');
const RECOVER = seedGuid('request/recover-chen');
const OLD_CARD = seedGuid('smartcard/chen-1');
const CARD_ID = '5c1f2a8e-94b3-4d0f-a1e7-3b6c9d2e8f40';
const ATR = '3b8d0180fba000000397425446590301c8';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const bind = { requestId: APPROVED, cardId: CARD_ID, atr: ATR };
const retire = { requestId: RECOVER, smartcardUuid: OLD_CARD, status: 'Retired' } as const;
const faults = (...rules: FaultRule[]) => ({ faults: rules });

/** A port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('CM failure classes', () => {
  it('connection refused -> CM_OFFLINE (refused), GET retried with jittered back-off', async () => {
    const { client, sleeps } = fastClient(`http://127.0.0.1:${await closedPort()}/CertificateManagement/api/v1.0/`);
    const err = await stationError(client.listRequests());
    expect(err.code).toBe('CM_OFFLINE');
    expect(err.details).toMatchObject({ reason: 'refused', method: 'GET', route: 'GET /requests', outcomeUnknown: false });
    expect(err.message).toMatch(/refused/);
    // random() = 0.5, base 250 ms: half the cap fixed plus half of it jittered.
    expect(sleeps).toEqual([188, 375]);
  });

  it('connection refused on POST is not retried and the outcome is known (nothing was sent)', async () => {
    const { client, sleeps } = fastClient(`http://127.0.0.1:${await closedPort()}/CertificateManagement/api/v1.0/`);
    const err = await stationError(client.bindCard(bind));
    expect(err.code).toBe('CM_OFFLINE');
    expect(err.details).toMatchObject({ reason: 'refused', outcomeUnknown: false });
    expect(sleeps).toEqual([]);
  });

  it('connection reset -> CM_OFFLINE (reset); a GET is retried, a POST and a PUT are not', async () => {
    const { sim, client, sleeps } = await simWithClient(faults({ fault: { kind: 'connection-reset' } }));
    const get = await stationError(client.getRequest(APPROVED));
    expect(get.code).toBe('CM_OFFLINE');
    expect(get.details).toMatchObject({ reason: 'reset', outcomeUnknown: false });
    expect(sleeps).toHaveLength(2);
    expect(sim.admin.received()).toHaveLength(3);

    sim.admin.clearReceived();
    const post = await stationError(client.bindCard(bind));
    expect(post.code).toBe('CM_OFFLINE');
    // The request reached CM: the station must ask CM before sending the bind again.
    expect(post.details).toMatchObject({ reason: 'reset', outcomeUnknown: true, method: 'POST' });
    expect(post.message).toMatch(/may or may not/);
    const put = await stationError(client.setSmartcardStatus(retire));
    expect(put.details).toMatchObject({ outcomeUnknown: true, method: 'PUT' });
    expect(sim.admin.received().map((r) => r.method)).toEqual(['POST', 'PUT']);
    expect(sleeps).toHaveLength(2);
  });

  it('DNS failure (as fetch reports it) -> CM_OFFLINE (dns); Electron net errors too', async () => {
    const undiciDns = Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(new Error('getaddrinfo ENOTFOUND cm.contoso.test'), { code: 'ENOTFOUND' }),
    });
    const thrown = [undiciDns, new Error('net::ERR_NAME_NOT_RESOLVED'), new Error('net::ERR_CONNECTION_REFUSED'), new Error('net::ERR_INTERNET_DISCONNECTED')];
    const reasons: unknown[] = [];
    for (const error of thrown) {
      const { client } = fastClient('https://cm.contoso.test/CertificateManagement/api/v1.0/', {
        getRetries: 0,
        transport: () => Promise.reject(error),
      });
      const err = await stationError(client.listProfileTemplates());
      expect(err.code).toBe('CM_OFFLINE');
      reasons.push(err.details.reason);
    }
    expect(reasons).toEqual(['dns', 'dns', 'refused', 'unreachable']);
  });

  it('no answer -> CM_TIMEOUT after the configured timeout; POST outcome unknown', async () => {
    const { sim, client } = await simWithClient(faults({ fault: { kind: 'no-answer' } }), { timeoutMs: 150, getRetries: 1 });
    const get = await stationError(client.listRequests());
    expect(get.code).toBe('CM_TIMEOUT');
    expect(get.message).toMatch(/within 0\.2 s/);
    expect(sim.admin.received()).toHaveLength(2);
    const post = await stationError(client.bindCard(bind));
    expect(post.code).toBe('CM_TIMEOUT');
    expect(post.details).toMatchObject({ outcomeUnknown: true });
  });

  it('a slow answer within the timeout succeeds; over it, CM_TIMEOUT', async () => {
    const { sim, client } = await simWithClient(faults({ fault: { kind: 'latency', ms: 100 } }), { timeoutMs: 1_500, getRetries: 0 });
    expect(await client.listProfileTemplates()).toHaveLength(5);
    sim.admin.setFaults([{ fault: { kind: 'latency', ms: 1_000 } }]);
    const { client: impatient } = fastClient(sim.baseUrl, { timeoutMs: 100, getRetries: 0 });
    expect((await stationError(impatient.listProfileTemplates())).code).toBe('CM_TIMEOUT');
  });

  it('401 -> CM_AUTH_FAILED (integrated Windows sign-in), not retried', async () => {
    const { sim, client } = await simWithClient(faults({ fault: { kind: 'unauthorized' } }));
    const err = await stationError(client.listRequests({ status: 'Approved' }));
    expect(err.code).toBe('CM_AUTH_FAILED');
    expect(err.details).toMatchObject({ status: 401 });
    expect(err.message).toMatch(/Windows sign-in/);
    expect(sim.admin.received()).toHaveLength(1);
  });

  it('403 -> CM_FORBIDDEN', async () => {
    const { client } = await simWithClient(faults({ fault: { kind: 'forbidden' }, route: 'POST /smartcards' }));
    const err = await stationError(client.bindCard(bind));
    expect(err.code).toBe('CM_FORBIDDEN');
    expect(err.details).toMatchObject({ status: 403, route: 'POST /smartcards' });
  });

  it('404 on every route -> CM_API_DISABLED with the web.config key to change', async () => {
    const { client } = await simWithClient(faults({ fault: { kind: 'api-disabled' } }));
    const calls = [
      () => client.bindCard(bind),
      () => client.getRequest(APPROVED),
      () => client.listProfileTemplates(),
      () => client.findSmartcardByCardId(CARD_ID),
    ];
    for (const call of calls) {
      const err = await stationError(call());
      expect(err.code).toBe('CM_API_DISABLED');
      expect(err.message).toMatch(/Clm\.WebApi\.Enabled/);
    }
  });

  it('404 on an object -> CM_NOT_FOUND without probing; an HTML 404 on one route only is an object 404 too', async () => {
    const { sim, client } = await simWithClient();
    // Web API's own JSON 404 (here by fault rule: the simulator refuses binds with 500) is the object's: no probe.
    sim.admin.setFaults([{ fault: { kind: 'refusal', status: 404, message: 'Request not found.' }, route: 'POST /smartcards', times: 1 }]);
    const unknownRequest = await stationError(client.bindCard({ ...bind, requestId: '0f0f0f0f-0000-4000-8000-000000000000' }));
    expect(unknownRequest.code).toBe('CM_NOT_FOUND');
    expect(unknownRequest.details.serverMessage).toBe('Request not found.');
    expect(sim.admin.received()).toHaveLength(1);

    sim.admin.setFaults([{ fault: { kind: 'api-disabled' }, route: 'POST /smartcards' }]);
    sim.admin.clearReceived();
    const htmlOnOneRoute = await stationError(client.bindCard(bind));
    expect(htmlOnOneRoute.code).toBe('CM_NOT_FOUND');
    // The probe of a collection route answered, so the API is on.
    expect(sim.admin.received().map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /CertificateManagement/api/v1.0/smartcards',
      'GET /CertificateManagement/api/v1.0/profiletemplates',
    ]);
  });

  it("a refusal arrives as 500 with a Message: CM_SERVER_ERROR keeping CM's words verbatim", async () => {
    const { client } = await simWithClient();
    const refused = await stationError(client.bindCard({ ...bind, requestId: PENDING }));
    expect(refused.code).toBe('CM_SERVER_ERROR');
    expect(refused.details).toMatchObject({ status: 500, serverMessage: expect.stringMatching(/^An error has occurred\. Request .* is not in a state/) });
    // Issue #17, part 6: the request id in CM's words is not a correlation id (the message does not say "correlation").
    expect(refused.details.correlationId).toBeNull();
    expect(refused.details.serverMessage).toContain(PENDING);
  });

  // Issue #17, part 4: only CM's JSON {"Message"} is CM answering; a text or HTML error page came
  // from something in front of CM (IIS, ARR, a proxy): an outage, CM_UNAVAILABLE, its words still kept.
  it("409 (fault rule only) -> CM_CONFLICT, other 4xx -> CM_CLIENT_ERROR with CM's JSON words; a text or HTML page is an outage", async () => {
    const { sim, client } = await simWithClient(
      faults(
        { fault: { kind: 'refusal', status: 409, message: 'Conflit : la carte est déjà attribuée.' }, route: 'POST /smartcards', times: 1 },
        { fault: { kind: 'refusal', status: 400, message: 'Bad status', body: 'text' }, route: 'PUT /requests/{id}/smartcards/{id}', times: 1 },
      ),
    );
    const conflict = await stationError(client.bindCard(bind));
    expect(conflict.code).toBe('CM_CONFLICT');
    expect(conflict.details).toMatchObject({ status: 409, serverMessage: 'Conflit : la carte est déjà attribuée.', correlationId: null });
    const badText = await stationError(client.setSmartcardStatus({ ...retire, status: 'Active' }));
    expect(badText.code).toBe('CM_UNAVAILABLE');
    expect(badText.details).toMatchObject({ status: 400, serverMessage: 'Bad status', outcomeUnknown: true });
    sim.admin.setFaults([{ fault: { kind: 'refusal', status: 400, message: 'Bad status' }, route: 'PUT /requests/{id}/smartcards/{id}', times: 1 }]);
    const badStatus = await stationError(client.setSmartcardStatus({ ...retire, status: 'Active' }));
    expect(badStatus.code).toBe('CM_CLIENT_ERROR');
    expect(badStatus.details).toMatchObject({ status: 400, serverMessage: 'Bad status' });
    sim.admin.setFaults([{ fault: { kind: 'refusal', status: 500, message: 'Runtime Error &amp; more', body: 'html' }, route: 'POST /smartcards' }]);
    const html = await stationError(client.bindCard(bind));
    expect(html.code).toBe('CM_UNAVAILABLE');
    expect(html.details.serverMessage).toMatch(/Server Error Runtime Error & more/);
    const long = 'é'.repeat(5000);
    sim.admin.setFaults([{ fault: { kind: 'refusal', status: 500, message: long }, route: 'POST /smartcards' }]);
    expect(String((await stationError(client.bindCard(bind))).details.serverMessage)).toHaveLength(2048);
  });

  // Issue #17, part 4; cm-rest-api.md "Refusal or outage": a 502/503/504 is something in front of CM.
  it.each([502, 503, 504] as const)(
    '%i from IIS/ARR -> CM_UNAVAILABLE (an outage): a GET is retried, a POST is outcome-unknown, never CM_SERVER_ERROR',
    async (status) => {
      const { sim, client, sleeps } = await simWithClient(faults({ fault: { kind: 'gateway', status } }));
      const get = await stationError(client.getRequest(APPROVED));
      expect(get.code).toBe('CM_UNAVAILABLE');
      expect(get.details).toMatchObject({ status, outcomeUnknown: false, correlationId: null });
      expect(sleeps).toHaveLength(2);
      const post = await stationError(client.bindCard(bind));
      expect(post.code).toBe('CM_UNAVAILABLE');
      expect(post.details).toMatchObject({ status, outcomeUnknown: true });
      // A 500 whose body is not CM's JSON is not CM answering either.
      sim.admin.setFaults([{ fault: { kind: 'refusal', status: 500, message: 'Service Unavailable', body: 'text' } }]);
      expect((await stationError(client.bindCard(bind))).code).toBe('CM_UNAVAILABLE');
    },
  );

  it('a 3xx is a configuration error naming the target, never followed; a 204 to a bind is outcome-unknown', async () => {
    const { sim, client } = await simWithClient(
      faults({ fault: { kind: 'redirect', status: 302, location: 'https://login.contoso.com/adfs' }, route: 'GET /requests' }),
    );
    const redirected = await stationError(client.listRequests());
    expect(redirected).toMatchObject({ code: 'CM_REDIRECTED', details: { status: 302, location: 'https://login.contoso.com/adfs' } });
    expect(redirected.message).toContain('https://login.contoso.com/adfs');
    sim.admin.setFaults([{ fault: { kind: 'no-content' }, route: 'POST /smartcards', when: 'after' }]);
    const unknown = await stationError(client.bindCard(bind));
    expect(unknown).toMatchObject({ code: 'CM_OUTCOME_UNKNOWN', details: { status: 204, outcomeUnknown: true } });
  });

  it('5xx -> CM_SERVER_ERROR with the correlation id from the body, never the raw text', async () => {
    const { sim, client } = await simWithClient(faults({ fault: { kind: 'server-error' }, route: 'PUT /requests/{id}/smartcards/{id}' }));
    const err = await stationError(client.setSmartcardStatus(retire));
    expect(err.code).toBe('CM_SERVER_ERROR');
    const correlationId = err.details.correlationId;
    expect(correlationId).toMatch(GUID);
    expect(err.message).toContain(String(correlationId));
    expect(err.message).not.toMatch(/An error has occurred/);
    expect(sim.admin.received()).toHaveLength(1);
  });

  it('GETs are retried on 5xx and succeed when CM recovers; retries are bounded', async () => {
    const { sim, client, sleeps } = await simWithClient(faults({ fault: { kind: 'server-error' }, route: 'GET /requests', times: 2 }));
    expect(await client.listRequests({ status: 'Approved' })).toHaveLength(9);
    expect(sleeps).toEqual([188, 375]);
    expect(sim.admin.received().filter((r) => r.path.includes('/requests'))).toHaveLength(3);

    sim.admin.setFaults([{ fault: { kind: 'server-error' }, route: 'GET /requests' }]);
    sim.admin.clearReceived();
    expect((await stationError(client.listRequests())).code).toBe('CM_SERVER_ERROR');
    expect(sim.admin.received()).toHaveLength(3);
  });

  it('POST is never retried on 5xx', async () => {
    const { sim, client, sleeps } = await simWithClient(faults({ fault: { kind: 'server-error' } }));
    expect((await stationError(client.bindCard(bind))).code).toBe('CM_SERVER_ERROR');
    expect(sim.admin.received()).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('malformed JSON -> CM_MALFORMED_RESPONSE, not retried', async () => {
    const { sim, client } = await simWithClient(faults({ fault: { kind: 'malformed-json' } }));
    const err = await stationError(client.getSmartcard(OLD_CARD));
    expect(err.code).toBe('CM_MALFORMED_RESPONSE');
    expect(err.details).toMatchObject({ status: 200, problem: 'the body is not JSON' });
    expect(sim.admin.received()).toHaveLength(1);
    const post = await stationError(client.bindCard(bind));
    expect(post.code).toBe('CM_MALFORMED_RESPONSE');
    expect(post.details).toMatchObject({ outcomeUnknown: true });
  });

  it('JSON of the wrong shape -> CM_MALFORMED_RESPONSE naming the field', async () => {
    const { client } = fastClient('http://127.0.0.1:1/CertificateManagement/api/v1.0/', {
      transport: async () => ({ status: 200, headers: { get: () => 'application/json' }, text: async () => '{"Uuid":"not-a-guid","Status":3}' }),
    });
    const err = await stationError(client.getSmartcard(OLD_CARD));
    expect(err.code).toBe('CM_MALFORMED_RESPONSE');
    expect(String(err.details.problem)).toMatch(/^Uuid: not a GUID/);
  });

  it('invalid settings (base URL, timeout, retries) are a settings error', () => {
    expect(() => fastClient('cm.contoso.com')).toThrowError(expect.objectContaining({ code: 'SETTINGS_INVALID' }));
    expect(() => fastClient('ftp://cm.contoso.com/')).toThrowError(expect.objectContaining({ code: 'SETTINGS_INVALID' }));
    expect(() => fastClient('https://cm.contoso.com/', { timeoutMs: 0 })).toThrowError(expect.objectContaining({ code: 'SETTINGS_INVALID' }));
    expect(() => fastClient('https://cm.contoso.com/', { getRetries: -1 })).toThrowError(expect.objectContaining({ code: 'SETTINGS_INVALID' }));
  });
});
