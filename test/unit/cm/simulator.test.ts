import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seedDirectory, seedGuid, startCmSimulator } from '../../../src/main/training/cm-sim';
import { fastClient, simWithClient, startSim, stationError, tempDir } from './harness';

const req = (label: string) => seedGuid(`request/${label}`);
const card = (label: string) => seedGuid(`smartcard/${label}`);
const ATR = '3b8d0180fba000000397425446590301c8';
const cardIdFor = (n: number) => `5c1f2a8e-94b3-4d0f-a1e7-3b6c9d2e8f4${n}`;
/**
 * Wire numbers, written here from the docs (never imported from the client's tables): request
 * Status 3 = Approved (MIMDocs/reference/get-request.md), 4/8/16/18 from the FIM CM SDK SQL API;
 * smart card Status 2 Assigned / 3 Active (get-smartcard-data.md), 6 Retired (update-smartcard-status.md).
 */
const REQ_STATUS = { Approved: 3, Denied: 4, Completed: 8, Pending: 16, Executing: 18 } as const;
const CARD = { Assigned: 2, Active: 3, Retired: 6 } as const;
const EXAMPLE_ENROLL = 'a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099';
const EXAMPLE_UNBLOCK = '0c96d73f-967b-420e-854a-43ad2a1504bc';
const EXAMPLE_CARD = '17cf063d-e337-4aa9-a822-346554ddd3c9';
const message = (text: string | null) => (JSON.parse(text ?? '{}') as { Message?: string }).Message;

async function post(baseUrl: string, path: string, body: unknown, contentType = 'application/json') {
  const response = await fetch(new URL(path, baseUrl), { method: 'POST', headers: { 'Content-Type': contentType }, body: JSON.stringify(body) });
  return { status: response.status, json: (await response.text()) || null };
}

async function put(baseUrl: string, path: string, body: unknown) {
  const response = await fetch(new URL(path, baseUrl), { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: await response.text() };
}

describe('the seeded directory', () => {
  it('has work for every screen', () => {
    const state = seedDirectory();
    const status = (name: keyof typeof REQ_STATUS) => state.requests.filter((r) => r.Status === REQ_STATUS[name]);
    expect(state.users).toHaveLength(7);
    expect(state.profileTemplates).toHaveLength(5);
    expect(status('Approved').filter((r) => r.RequestType === 1).length).toBeGreaterThanOrEqual(4);
    // Training replacements: Recover (2) and Renew (3), numbers per cm-rest-api.md (evidence T1/T2).
    const replacements = status('Approved').filter((r) => r.RequestType === 2 || r.RequestType === 3);
    expect(replacements).toHaveLength(2);
    for (const r of replacements) {
      expect(state.smartcards.find((c) => c.Uuid === r.OldSmartcardUuid)?.Status).toBe(CARD.Active);
    }
    for (const name of ['Pending', 'Denied', 'Completed', 'Executing'] as const) expect(status(name).length).toBeGreaterThan(0);
    expect(state.smartcards.some((c) => c.Status === CARD.Retired)).toBe(true);
    // Enums are numbers only, as in every Microsoft example.
    for (const r of state.requests) expect(typeof r.RequestType).toBe('number');
    expect(seedDirectory()).toEqual(state);
  });

  it('serves the documented examples as published, each fixture record citing its page', async () => {
    const fixtures = ['training-directory.json', 'microsoft-examples.json'].map(
      async (name) =>
        JSON.parse(await readFile(new URL(`../../../src/main/training/cm-sim/fixtures/${name}`, import.meta.url), 'utf8')) as Record<
          string,
          Array<{ source: string }>
        >,
    );
    for (const fixture of await Promise.all(fixtures)) {
      for (const key of ['users', 'profileTemplates', 'requests', 'smartcards']) {
        for (const entry of fixture[key] ?? []) expect(entry.source.length).toBeGreaterThan(10);
      }
    }
    const examples = await (await fixtures[1])!;
    expect(examples.requests!.map((r) => r.source)).toEqual([
      expect.stringContaining('MIMDocs/reference/get-request.md, Example: Response 1'),
      expect.stringContaining('MIMDocs/reference/get-request.md, Example: Response 2'),
    ]);
    const sim = await startSim();
    // get-request.md example 2, verbatim where the station reads it: an Approved Unblock (5) whose
    // OldSmartcardUuid is the user's card.
    const unblock = (await (await fetch(`${sim.baseUrl}requests/${EXAMPLE_UNBLOCK}`)).json()) as Record<string, unknown>;
    expect(unblock).toMatchObject({ RequestType: 5, Status: 3, OldSmartcardUuid: EXAMPLE_CARD, NewSmartcardUuid: EXAMPLE_CARD });
    const enroll = (await (await fetch(`${sim.baseUrl}requests/${EXAMPLE_ENROLL}`)).json()) as Record<string, unknown>;
    expect(enroll).toMatchObject({ RequestType: 1, Status: 3, NewSmartcardUuid: '00000000-0000-0000-0000-000000000000' });
    const lookup = (await (await fetch(`${sim.baseUrl}smartcards?cardid=d1ef6869-5517-42a0-8f05-16ca1a0b834d`)).json()) as Record<string, unknown>;
    expect(lookup).toMatchObject({ Uuid: '438d1b30-f3b4-4bed-85fa-285e08605ba7', Status: 3, SerialNumber: '{d1ef6869-5517-42a0-8f05-16ca1a0b834d}' });
  });
});

describe('CM semantics', () => {
  it('binds only Approved or Executing requests; others are refused with a 500 and a Message', async () => {
    const sim = await startSim();
    const bind = (label: string, n: number) => post(sim.baseUrl, 'smartcards', { requestid: req(label), cardid: cardIdFor(n), atr: ATR });
    for (const [label, n] of [
      ['enroll-alice-contractor', 1],
      ['enroll-dana-staff', 2],
      ['enroll-chen', 3],
      ['enroll-bram-software', 4],
    ] as const) {
      const refused = await bind(label, n);
      expect(refused.status).toBe(500);
      expect(message(refused.json)).toMatch(/not in a state|already has/);
    }
    expect((await bind('enroll-emil-contractor', 5)).status).toBe(201);
    expect((await bind('enroll-alice', 6)).status).toBe(201);
  });

  it('one card per request, and a card id is bound once (braces and case do not matter)', async () => {
    const sim = await startSim();
    expect((await post(sim.baseUrl, 'smartcards', { requestid: req('enroll-alice'), cardid: cardIdFor(1), atr: ATR })).status).toBe(201);
    const second = await post(sim.baseUrl, 'smartcards', { requestid: req('enroll-alice'), cardid: cardIdFor(2), atr: ATR });
    expect(second.status).toBe(500);
    expect(message(second.json)).toMatch(/already has a smart card/);
    const sameCard = await post(sim.baseUrl, 'smartcards', { requestid: req('enroll-bram'), cardid: `{${cardIdFor(1).toUpperCase()}}`, atr: ATR });
    expect(sameCard.status).toBe(500);
    expect(message(sameCard.json)).toMatch(/already in use/);
    const seededCard = seedGuid('cardid/chen-1');
    expect((await post(sim.baseUrl, 'smartcards', { requestid: req('enroll-bram'), cardid: seededCard, atr: ATR })).status).toBe(500);
    // The request that failed kept no card.
    expect(sim.admin.state().requests.find((r) => r.Uuid === req('enroll-bram'))?.NewSmartcardUuid).toBe('00000000-0000-0000-0000-000000000000');
  });

  it('binding keeps the request Approved and links a replacement card to the card it replaces', async () => {
    const sim = await startSim({ newUuid: () => '11111111-2222-4333-8444-555555555555' });
    await post(sim.baseUrl, 'smartcards', { requestid: req('renew-farah'), cardid: cardIdFor(1), atr: ATR });
    const state = sim.admin.state();
    expect(state.requests.find((r) => r.Uuid === req('renew-farah'))).toMatchObject({
      Status: REQ_STATUS.Approved,
      NewSmartcardUuid: '11111111-2222-4333-8444-555555555555',
    });
    expect(state.smartcards.find((c) => c.Uuid === '11111111-2222-4333-8444-555555555555')).toMatchObject({
      Status: CARD.Assigned,
      ParentSmartcardUuid: card('farah-1'),
      SerialNumber: `{${cardIdFor(1)}}`,
    });
  });

  it('retire sets Retired and answers 200 with the Smartcard object; a repeat is refused with a 500', async () => {
    const sim = await startSim();
    const path = `requests/${req('recover-chen')}/smartcards/${card('chen-1')}`;
    expect((await put(sim.baseUrl, path, { status: 'Active' })).status).toBe(500);
    const first = await put(sim.baseUrl, path, { status: 'Retired' });
    expect(first.status).toBe(200);
    expect(JSON.parse(first.body)).toMatchObject({ Uuid: card('chen-1'), Status: 6, SerialNumber: `{${seedGuid('cardid/chen-1')}}` });
    const again = await put(sim.baseUrl, path, { Status: 'retired' });
    expect(again.status).toBe(500);
    expect(message(again.body)).toMatch(/already retired/);
    // A card the request does not act on, unknown ids: refusals, all 500.
    expect((await put(sim.baseUrl, `requests/${req('enroll-alice')}/smartcards/${card('farah-1')}`, { status: 'Retired' })).status).toBe(500);
    expect((await put(sim.baseUrl, `requests/${req('recover-chen')}/smartcards/0f0f0f0f-0000-4000-8000-000000000000`, { status: 'Retired' })).status).toBe(500);
  });

  it('re-uses a physical card under a new Uuid once its only record is Retired; lookups answer the latest record', async () => {
    const sim = await startSim({ newUuid: () => '11111111-2222-4333-8444-555555555555' });
    const reused = seedGuid('cardid/emil-0'); // the seed's Retired card
    const bound = await post(sim.baseUrl, 'smartcards', { requestid: req('enroll-alice'), cardid: reused, atr: ATR });
    expect(bound).toEqual({ status: 201, json: '"api/v1.0/smartcards/11111111-2222-4333-8444-555555555555"' });
    const records = sim.admin.state().smartcards.filter((c) => c.SerialNumber === `{${reused}}`);
    expect(records.map((c) => [c.Uuid, c.Status])).toEqual([
      [card('emil-0'), CARD.Retired],
      ['11111111-2222-4333-8444-555555555555', CARD.Assigned],
    ]);
    const lookup = (await (await fetch(`${sim.baseUrl}smartcards?cardid=${reused}`)).json()) as { Uuid: string };
    expect(lookup.Uuid).toBe('11111111-2222-4333-8444-555555555555');
  });

  it('can scope card lookups to the caller, and activate a card as a CM client would', async () => {
    const sim = await startSim();
    const chenCard = seedGuid('cardid/chen-1');
    sim.admin.setLookupScope(seedGuid('user/alice'));
    expect((await fetch(`${sim.baseUrl}smartcards?cardid=${chenCard}`)).status).toBe(204);
    expect((await fetch(`${sim.adminUrl}lookup-scope`, { ...auth(sim), method: 'PUT', body: JSON.stringify({ user: seedGuid('user/chen') }) })).status).toBe(
      204,
    );
    expect((await fetch(`${sim.baseUrl}smartcards?cardid=${chenCard}`)).status).toBe(200);
    // Only an Assigned card can become Active.
    expect((await fetch(`${sim.adminUrl}smartcards/${EXAMPLE_CARD}/activate`, { ...auth(sim), method: 'POST' })).status).toBe(204);
    expect(sim.admin.state().smartcards.find((c) => c.Uuid === EXAMPLE_CARD)?.Status).toBe(CARD.Active);
    expect((await fetch(`${sim.adminUrl}smartcards/${EXAMPLE_CARD}/activate`, { ...auth(sim), method: 'POST' })).status).toBe(409);
  });

  it('activates a new card by itself after activateAfterMs (training)', async () => {
    const sim = await startSim({ activateAfterMs: 50, newUuid: () => '11111111-2222-4333-8444-555555555556' });
    await post(sim.baseUrl, 'smartcards', { requestid: req('enroll-alice'), cardid: cardIdFor(9), atr: ATR });
    expect(sim.admin.state().smartcards.at(-1)?.Status).toBe(CARD.Assigned);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(sim.admin.state().smartcards.at(-1)?.Status).toBe(CARD.Active);
  });

  it('answers 400/409/415, 204 and redirects only when a fault rule asks, in the shapes asked', async () => {
    const sim = await startSim({
      faults: [
        { fault: { kind: 'refusal', status: 409, message: 'Conflit : la carte est déjà attribuée.' }, route: 'POST /smartcards', times: 1 },
        { fault: { kind: 'refusal', status: 500, message: '<h1>Runtime Error</h1>', body: 'html' }, route: 'POST /smartcards', times: 1 },
        { fault: { kind: 'no-content' }, route: 'POST /smartcards', times: 1 },
        { fault: { kind: 'redirect', status: 302, location: 'https://login.contoso.com/' }, route: 'GET /requests', times: 1 },
      ],
    });
    const body = { requestid: req('enroll-alice'), cardid: cardIdFor(1), atr: ATR };
    const conflict = await post(sim.baseUrl, 'smartcards', body);
    expect(conflict).toEqual({ status: 409, json: JSON.stringify({ Message: 'Conflit : la carte est déjà attribuée.' }) });
    const html = await fetch(`${sim.baseUrl}smartcards`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    expect([html.status, html.headers.get('content-type')]).toEqual([500, 'text/html; charset=utf-8']);
    expect((await post(sim.baseUrl, 'smartcards', body)).status).toBe(204);
    const redirect = await fetch(`${sim.baseUrl}requests`, { redirect: 'manual' });
    expect([redirect.status, redirect.headers.get('location')]).toEqual([302, 'https://login.contoso.com/']);
  });

  it('matches paths case-insensitively like IIS, GUIDs in any case', async () => {
    const sim = await startSim();
    const origin = new URL(sim.baseUrl).origin;
    for (const path of [
      '/CERTIFICATEMANAGEMENT/API/V1.0/PROFILETEMPLATES',
      '/certificatemanagement/api/v1.0/profiletemplates/',
      '/CertificateManagement/Api/v1.0/ProfileTemplates',
    ]) {
      expect((await fetch(`${origin}${path}`)).status).toBe(200);
    }
    const upper = await fetch(`${origin}/certificatemanagement/api/v1.0/SmartCards/${card('chen-1').toUpperCase()}`);
    expect(await upper.json()).toMatchObject({ Uuid: card('chen-1') });
  });

  it('answers like Web API and IIS: 500 for a body it cannot use, 405 for a wrong method, JSON 404 inside the API, HTML 404 outside', async () => {
    const sim = await startSim();
    expect((await post(sim.baseUrl, 'smartcards', { requestid: req('enroll-alice') }, 'text/plain')).status).toBe(500);
    expect((await post(sim.baseUrl, 'smartcards', { requestid: req('enroll-alice') })).status).toBe(500);
    expect((await fetch(`${sim.baseUrl}smartcards`, { method: 'DELETE' })).status).toBe(405);
    const inside = await fetch(`${sim.baseUrl}nothing-here`);
    expect(inside.status).toBe(404);
    expect(await inside.json()).toHaveProperty('Message');
    const outside = await fetch(new URL('/elsewhere', sim.baseUrl));
    expect(outside.status).toBe(404);
    expect(outside.headers.get('content-type')).toMatch(/text\/html/);
  });

  it('401 fault offers Negotiate like IIS', async () => {
    const sim = await startSim({ faults: [{ fault: { kind: 'unauthorized' } }] });
    const response = await fetch(`${sim.baseUrl}requests`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Negotiate/);
  });

  it('records every request received, including faulted ones', async () => {
    const sim = await startSim({ faults: [{ fault: { kind: 'forbidden' }, route: 'GET /requests', times: 1 }] });
    expect((await fetch(`${sim.baseUrl}requests?status=Approved`, { headers: { 'X-Test': 'yes' } })).status).toBe(403);
    expect((await fetch(`${sim.baseUrl}requests?status=Approved`)).status).toBe(200);
    const [first, second] = sim.admin.received();
    expect(first).toMatchObject({ method: 'GET', path: '/CertificateManagement/api/v1.0/requests?status=Approved', body: '' });
    expect(first?.headers['x-test']).toBe('yes');
    expect(second?.path).toBe(first?.path);
    expect(sim.admin.faults()).toEqual([]);
  });
});

describe('faults "after": CM acts, the answer is lost', () => {
  it('a bind whose answer never comes is found again by card id', async () => {
    const { sim, client } = await simWithClient(
      { faults: [{ fault: { kind: 'no-answer' }, route: 'POST /smartcards', when: 'after', times: 1 }] },
      { timeoutMs: 200 },
    );
    const err = await stationError(client.bindCard({ requestId: req('enroll-dana'), cardId: cardIdFor(7), atr: ATR }));
    expect(err.code).toBe('CM_TIMEOUT');
    expect(err.details.outcomeUnknown).toBe(true);
    const found = await client.findSmartcardByCardId(cardIdFor(7));
    expect(found?.uuid).toBe(sim.admin.state().requests.find((r) => r.Uuid === req('enroll-dana'))?.NewSmartcardUuid);
  });
});

/** The admin endpoint's bearer token (issue 18: without it any local process could drive the simulator). */
function auth(sim: { adminToken: string }): { headers: Record<string, string> } {
  return { headers: { authorization: `Bearer ${sim.adminToken}` } };
}

describe('admin endpoint over HTTP', () => {
  it('refuses every admin request without the token, or with a wrong one, and changes nothing', async () => {
    const sim = await startSim();
    const rules = JSON.stringify([{ fault: { kind: 'server-error' } }]);
    expect((await fetch(`${sim.adminUrl}faults`, { method: 'PUT', body: rules })).status).toBe(401);
    expect((await fetch(`${sim.adminUrl}reset`, { method: 'POST', headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await fetch(`${sim.adminUrl}state`, { headers: { authorization: sim.adminToken } })).status).toBe(401);
    expect((await fetch(`${sim.adminUrl}received`)).status).toBe(401);
    expect(sim.admin.faults()).toEqual([]);
    // A token given by the caller (the station host passes its own) is the one required.
    const hosted = await startSim({ adminToken: 'host-token-123' });
    expect((await fetch(`${hosted.adminUrl}faults`, { headers: { authorization: 'Bearer host-token-123' } })).status).toBe(200);
    expect(sim.adminToken).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it('sets faults, reads the record and state, resets', async () => {
    const sim = await startSim();
    const { client } = fastClient(sim.baseUrl, { getRetries: 0 });
    const set = await fetch(`${sim.adminUrl}faults`, {
      ...auth(sim),
      method: 'PUT',
      body: JSON.stringify([{ fault: { kind: 'server-error' }, route: 'GET /profiletemplates' }]),
    });
    expect(set.status).toBe(204);
    expect((await stationError(client.listProfileTemplates())).code).toBe('CM_SERVER_ERROR');
    expect((await fetch(`${sim.adminUrl}faults`, { ...auth(sim), method: 'PUT', body: '[{"fault":{"kind":"meteor"}}]' })).status).toBe(400);
    expect((await fetch(`${sim.adminUrl}faults`, { ...auth(sim), method: 'DELETE' })).status).toBe(204);
    expect(await client.listProfileTemplates()).toHaveLength(5);

    const received = (await (await fetch(`${sim.adminUrl}received`, auth(sim))).json()) as Array<{ path: string }>;
    expect(received.map((r) => r.path)).toEqual(['/CertificateManagement/api/v1.0/profiletemplates', '/CertificateManagement/api/v1.0/profiletemplates']);

    await client.bindCard({ requestId: req('enroll-alice'), cardId: cardIdFor(1), atr: ATR });
    const state = (await (await fetch(`${sim.adminUrl}state`, auth(sim))).json()) as { smartcards: unknown[] };
    expect(state.smartcards).toHaveLength(7);
    expect((await fetch(`${sim.adminUrl}reset`, { ...auth(sim), method: 'POST' })).status).toBe(204);
    expect(sim.admin.state()).toEqual(seedDirectory());
    expect(sim.admin.received()).toEqual([]);
  });

  it('rejects invalid fault rules given in process', async () => {
    const sim = await startSim();
    expect(() => sim.admin.setFaults([{ fault: { kind: 'latency', ms: -1 } }])).toThrowError(expect.objectContaining({ code: 'BAD_REQUEST' }));
  });
});

describe('persistence', () => {
  it('keeps the directory across restarts, written atomically', async () => {
    const dir = await tempDir();
    const dataFile = join(dir, 'cm.json');
    const first = await startCmSimulator({ dataFile });
    const { client } = fastClient(first.baseUrl);
    const uuid = await client.bindCard({ requestId: req('enroll-alice'), cardId: cardIdFor(1), atr: ATR });
    await client.setSmartcardStatus({ requestId: req('recover-chen'), smartcardUuid: card('chen-1'), status: 'Retired' });
    await first.close();

    expect(await readdir(dir)).toEqual(['cm.json']);
    const second = await startSim({ dataFile });
    const { client: again } = fastClient(second.baseUrl);
    expect((await again.getSmartcard(uuid))?.cardId).toBe(cardIdFor(1));
    expect((await again.getSmartcard(card('chen-1')))?.status).toBe('Retired');
    expect(JSON.parse(await readFile(dataFile, 'utf8'))).toEqual(second.admin.state());
  });

  it('refuses a damaged data file with STORAGE_CORRUPT', async () => {
    const dataFile = join(await tempDir(), 'cm.json');
    await writeFile(dataFile, '{"users": [');
    await expect(startCmSimulator({ dataFile })).rejects.toMatchObject({ code: 'STORAGE_CORRUPT' });
  });
});
