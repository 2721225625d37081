import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seedDirectory, seedGuid, startCmSimulator } from '../../../src/main/training/cm-sim';
import { REQUEST_STATUS_NUMBERS, SMARTCARD_STATUS_NUMBERS } from '../../../src/shared/cm';
import { fastClient, simWithClient, startSim, stationError, tempDir } from './harness';

const req = (label: string) => seedGuid(`request/${label}`);
const card = (label: string) => seedGuid(`smartcard/${label}`);
const ATR = '3b8d0180fba000000397425446590301c8';
const cardIdFor = (n: number) => `5c1f2a8e-94b3-4d0f-a1e7-3b6c9d2e8f4${n}`;

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
    const status = (name: keyof typeof REQUEST_STATUS_NUMBERS) => state.requests.filter((r) => r.Status === REQUEST_STATUS_NUMBERS[name]);
    expect(state.users).toHaveLength(6);
    expect(state.profileTemplates).toHaveLength(3);
    expect(status('Approved').filter((r) => r.RequestType === 1).length).toBeGreaterThanOrEqual(4);
    const replacements = status('Approved').filter((r) => ['Recover', 'Duplicate', 'Renew'].includes(String(r.RequestType)));
    expect(replacements).toHaveLength(2);
    for (const r of replacements) {
      expect(state.smartcards.find((c) => c.Uuid === r.OldSmartcardUuid)?.Status).toBe(SMARTCARD_STATUS_NUMBERS.Active);
    }
    for (const name of ['Pending', 'Denied', 'Completed', 'Executing'] as const) expect(status(name).length).toBeGreaterThan(0);
    expect(state.smartcards.some((c) => c.Status === SMARTCARD_STATUS_NUMBERS.Retired)).toBe(true);
    expect(seedDirectory()).toEqual(state);
  });
});

describe('CM semantics', () => {
  it('binds only Approved or Executing requests; others get 409', async () => {
    const sim = await startSim();
    const bind = (label: string, n: number) => post(sim.baseUrl, 'smartcards', { requestid: req(label), cardid: cardIdFor(n), atr: ATR });
    expect((await bind('enroll-alice-contractor', 1)).status).toBe(409);
    expect((await bind('enroll-dana-staff', 2)).status).toBe(409);
    expect((await bind('enroll-chen', 3)).status).toBe(409);
    expect((await bind('enroll-bram-software', 4)).status).toBe(409);
    expect((await bind('enroll-emil-contractor', 5)).status).toBe(201);
    expect((await bind('enroll-alice', 6)).status).toBe(201);
  });

  it('one card per request, and a card id is bound once (braces and case do not matter)', async () => {
    const sim = await startSim();
    expect((await post(sim.baseUrl, 'smartcards', { requestid: req('enroll-alice'), cardid: cardIdFor(1), atr: ATR })).status).toBe(201);
    const second = await post(sim.baseUrl, 'smartcards', { requestid: req('enroll-alice'), cardid: cardIdFor(2), atr: ATR });
    expect(second.status).toBe(409);
    expect(JSON.parse(second.json ?? '{}')).toHaveProperty('Message');
    const sameCard = await post(sim.baseUrl, 'smartcards', { requestid: req('enroll-bram'), cardid: `{${cardIdFor(1).toUpperCase()}}`, atr: ATR });
    expect(sameCard.status).toBe(409);
    const seededCard = seedGuid('cardid/chen-1');
    expect((await post(sim.baseUrl, 'smartcards', { requestid: req('enroll-bram'), cardid: seededCard, atr: ATR })).status).toBe(409);
    // The request that failed kept no card.
    expect(sim.admin.state().requests.find((r) => r.Uuid === req('enroll-bram'))?.NewSmartcardUuid).toBe('00000000-0000-0000-0000-000000000000');
  });

  it('binding keeps the request Approved and links a replacement card to the card it replaces', async () => {
    const sim = await startSim({ newUuid: () => '11111111-2222-4333-8444-555555555555' });
    await post(sim.baseUrl, 'smartcards', { requestid: req('renew-farah'), cardid: cardIdFor(1), atr: ATR });
    const state = sim.admin.state();
    expect(state.requests.find((r) => r.Uuid === req('renew-farah'))).toMatchObject({
      Status: REQUEST_STATUS_NUMBERS.Approved,
      NewSmartcardUuid: '11111111-2222-4333-8444-555555555555',
    });
    expect(state.smartcards.find((c) => c.Uuid === '11111111-2222-4333-8444-555555555555')).toMatchObject({
      Status: SMARTCARD_STATUS_NUMBERS.Assigned,
      ParentSmartcardUuid: card('farah-1'),
      SerialNumber: `{${cardIdFor(1)}}`,
    });
  });

  it('retire sets Retired and answers 200 with the Smartcard object; again is still 200', async () => {
    const sim = await startSim();
    const path = `requests/${req('recover-chen')}/smartcards/${card('chen-1')}`;
    const first = await put(sim.baseUrl, path, { status: 'Retired' });
    expect(first.status).toBe(200);
    expect(JSON.parse(first.body)).toMatchObject({ Uuid: card('chen-1'), Status: 6, SerialNumber: `{${seedGuid('cardid/chen-1')}}` });
    expect((await put(sim.baseUrl, path, { Status: 'retired' })).status).toBe(200);
    // A card the request does not act on, unknown ids, an unsupported status.
    expect((await put(sim.baseUrl, `requests/${req('enroll-alice')}/smartcards/${card('farah-1')}`, { status: 'Retired' })).status).toBe(409);
    expect((await put(sim.baseUrl, `requests/${req('recover-chen')}/smartcards/0f0f0f0f-0000-4000-8000-000000000000`, { status: 'Retired' })).status).toBe(404);
    expect((await put(sim.baseUrl, path, { status: 'Active' })).status).toBe(400);
  });

  it('matches paths case-insensitively like IIS, GUIDs in any case', async () => {
    const sim = await startSim();
    const origin = new URL(sim.baseUrl).origin;
    for (const path of ['/CERTIFICATEMANAGEMENT/API/V1.0/PROFILETEMPLATES', '/certificatemanagement/api/v1.0/profiletemplates/', '/CertificateManagement/Api/v1.0/ProfileTemplates']) {
      expect((await fetch(`${origin}${path}`)).status).toBe(200);
    }
    const upper = await fetch(`${origin}/certificatemanagement/api/v1.0/SmartCards/${card('chen-1').toUpperCase()}`);
    expect(await upper.json()).toMatchObject({ Uuid: card('chen-1') });
  });

  it("answers like Web API and IIS: 415 without JSON, 405 for a wrong method, JSON 404 inside the API, HTML 404 outside", async () => {
    const sim = await startSim();
    expect((await post(sim.baseUrl, 'smartcards', { requestid: req('enroll-alice') }, 'text/plain')).status).toBe(415);
    expect((await post(sim.baseUrl, 'smartcards', { requestid: req('enroll-alice') })).status).toBe(400);
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

describe('admin endpoint over HTTP', () => {
  it('sets faults, reads the record and state, resets', async () => {
    const sim = await startSim();
    const { client } = fastClient(sim.baseUrl, { getRetries: 0 });
    const set = await fetch(`${sim.adminUrl}faults`, { method: 'PUT', body: JSON.stringify([{ fault: { kind: 'server-error' }, route: 'GET /profiletemplates' }]) });
    expect(set.status).toBe(204);
    expect((await stationError(client.listProfileTemplates())).code).toBe('CM_SERVER_ERROR');
    expect((await fetch(`${sim.adminUrl}faults`, { method: 'PUT', body: '[{"fault":{"kind":"meteor"}}]' })).status).toBe(400);
    expect((await fetch(`${sim.adminUrl}faults`, { method: 'DELETE' })).status).toBe(204);
    expect(await client.listProfileTemplates()).toHaveLength(3);

    const received = (await (await fetch(`${sim.adminUrl}received`)).json()) as Array<{ path: string }>;
    expect(received.map((r) => r.path)).toEqual(['/CertificateManagement/api/v1.0/profiletemplates', '/CertificateManagement/api/v1.0/profiletemplates']);

    await client.bindCard({ requestId: req('enroll-alice'), cardId: cardIdFor(1), atr: ATR });
    const state = (await (await fetch(`${sim.adminUrl}state`)).json()) as { smartcards: unknown[] };
    expect(state.smartcards).toHaveLength(5);
    expect((await fetch(`${sim.adminUrl}reset`, { method: 'POST' })).status).toBe(204);
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
