import { describe, expect, it } from 'vitest';
import { seedDirectory, seedGuid } from '../../../src/main/training/cm-sim';
import { cmRequestSchema, cmSmartcardSchema } from '../../../src/shared/cm';
import { simWithClient, stationError } from './harness';

const req = (label: string) => seedGuid(`request/${label}`);
const card = (label: string) => seedGuid(`smartcard/${label}`);
const cardId = (label: string) => seedGuid(`cardid/${label}`);
const user = (account: string) => seedGuid(`user/${account}`);
const NEW_CARD_ID = '5c1f2a8e-94b3-4d0f-a1e7-3b6c9d2e8f40';
const ATR = '3b8d0180fba000000397425446590301c8';

describe('CM client against the simulator over HTTP', () => {
  it('lists requests by status, normalised to names and nulls', async () => {
    const { client } = await simWithClient();
    const approved = await client.listRequests({ status: 'Approved' });
    expect(approved.map((r) => r.uuid).sort()).toEqual(
      [
        req('enroll-alice'),
        req('enroll-bram'),
        req('enroll-dana'),
        // The archived-key template: Emil's earlier encryption key comes back as key history.
        req('enroll-emil-archived-key'),
        req('enroll-farah-staff'),
        req('recover-chen'),
        req('renew-farah'),
        // MIMDocs/reference/get-request.md examples 1 (Enroll) and 2 (Unblock).
        'a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099',
        '0c96d73f-967b-420e-854a-43ad2a1504bc',
      ].sort(),
    );
    for (const r of approved) {
      expect(cmRequestSchema.parse(r)).toEqual(r);
      expect(r.status).toBe('Approved');
    }
    const alice = approved.find((r) => r.uuid === req('enroll-alice'));
    expect(alice).toMatchObject({
      type: 'Enroll',
      targetUserUuid: user('alice'),
      oldSmartcardUuid: null,
      newSmartcardUuid: null,
      completed: null,
      profileTemplateName: 'Staff Smart Card Logon',
      targetUserDisplayName: null,
    });
    const recover = approved.find((r) => r.uuid === req('recover-chen'));
    // CM's examples number only Enroll and Unblock: the client leaves any other number unnamed.
    expect(recover).toMatchObject({ type: 'Unknown(2)', oldSmartcardUuid: card('chen-1'), comment: 'Card lost.' });
    expect(approved.find((r) => r.uuid === '0c96d73f-967b-420e-854a-43ad2a1504bc')).toMatchObject({
      type: 'Unblock',
      oldSmartcardUuid: '17cf063d-e337-4aa9-a822-346554ddd3c9',
    });
    const bram = approved.find((r) => r.uuid === req('enroll-bram'));
    expect(bram?.dataCollection).toEqual([{ name: 'Employee number', value: 'E-20417' }]);
  });

  it('lists every request without a filter, and [] when CM answers 204', async () => {
    const { client } = await simWithClient();
    expect(await client.listRequests()).toHaveLength(15);
    expect(await client.listRequests({ status: 'Failed' })).toEqual([]);
  });

  it('fills user display names from an injected directory lookup', async () => {
    const { client } = await simWithClient({}, { userDisplayName: (uuid) => (uuid === user('alice') ? 'Alice Martin' : null) });
    const alice = await client.getRequest(req('enroll-alice'));
    expect(alice?.targetUserDisplayName).toBe('Alice Martin');
  });

  it('gets one request, accepting braces and upper case, and null for an unknown one', async () => {
    const { client } = await simWithClient();
    const r = await client.getRequest(`{${req('renew-farah').toUpperCase()}}`);
    expect(r).toMatchObject({ uuid: req('renew-farah'), type: 'Unknown(3)', status: 'Approved', oldSmartcardUuid: card('farah-1') });
    expect(await client.getRequest('0f0f0f0f-0000-4000-8000-000000000000')).toBeNull();
  });

  it('gets a smart card by Uuid and by card id, null when CM has none', async () => {
    const { client } = await simWithClient();
    const byUuid = await client.getSmartcard(card('chen-1'));
    expect(byUuid).toMatchObject({
      uuid: card('chen-1'),
      status: 'Active',
      cardId: cardId('chen-1'),
      serialNumber: `{${cardId('chen-1')}}`,
      assignedUserUuid: user('chen'),
      parentSmartcardUuid: null,
    });
    expect(cmSmartcardSchema.parse(byUuid)).toEqual(byUuid);
    expect(await client.findSmartcardByCardId(cardId('chen-1').toUpperCase())).toEqual(byUuid);
    expect(await client.findSmartcardByCardId(NEW_CARD_ID)).toBeNull();
    expect(await client.getSmartcard('0f0f0f0f-0000-4000-8000-000000000000')).toBeNull();
  });

  it("lists a card's allowed operations, lowercased; [] for a retired card", async () => {
    const { client } = await simWithClient();
    expect(await client.getSmartcardOperations(card('chen-1'))).toEqual(['renew', 'unblock', 'retire']);
    expect(await client.getSmartcardOperations(card('emil-0'))).toEqual([]);
  });

  it('lists profile templates', async () => {
    const { client } = await simWithClient();
    const templates = await client.listProfileTemplates();
    expect(templates.map((t) => t.name)).toEqual([
      'Staff Smart Card Logon',
      'Contractor Smart Card',
      'Software Signing Profile',
      'Staff Smart Card with Archived Encryption Key',
      'FIM CM Sample Smart Card Logon Profile Template',
    ]);
    expect(templates[0]).toEqual({
      uuid: seedGuid('template/staff'),
      name: 'Staff Smart Card Logon',
      description: 'Smart card logon and e-mail signing for employees.',
      isSmartcard: true,
      isVirtualSmartcard: false,
    });
  });

  it('binds a card to a replacement request, then retires the old card', async () => {
    const { client } = await simWithClient();
    const newUuid = await client.bindCard({ requestId: req('recover-chen'), cardId: NEW_CARD_ID, atr: '3B 8D 01 80 FB A0 00 00 03 97 42 54 46 59 03 01 C8' });
    const bound = await client.getSmartcard(newUuid);
    expect(bound).toMatchObject({ status: 'Assigned', cardId: NEW_CARD_ID, atr: ATR, parentSmartcardUuid: card('chen-1'), assignedUserUuid: user('chen') });
    expect((await client.getRequest(req('recover-chen')))?.newSmartcardUuid).toBe(newUuid);
    expect((await client.findSmartcardByCardId(NEW_CARD_ID))?.uuid).toBe(newUuid);

    const retired = await client.setSmartcardStatus({ requestId: req('recover-chen'), smartcardUuid: card('chen-1'), status: 'Retired' });
    expect(retired).toMatchObject({ uuid: card('chen-1'), status: 'Retired' });
    expect((await client.getSmartcard(card('chen-1')))?.status).toBe('Retired');
  });

  it('refuses bad input before anything is sent', async () => {
    const { sim, client } = await simWithClient();
    expect((await stationError(client.bindCard({ requestId: 'nope', cardId: NEW_CARD_ID, atr: ATR }))).code).toBe('BAD_REQUEST');
    expect((await stationError(client.bindCard({ requestId: req('enroll-alice'), cardId: 'x', atr: ATR }))).code).toBe('BAD_REQUEST');
    expect((await stationError(client.bindCard({ requestId: req('enroll-alice'), cardId: NEW_CARD_ID, atr: '3b8' }))).code).toBe('BAD_REQUEST');
    expect((await stationError(client.getSmartcard('12'))).code).toBe('BAD_REQUEST');
    expect(sim.admin.received()).toEqual([]);
  });

  // Issue #17, part 10: one request in an unexpected shape is skipped and reported, not the whole list lost.
  it('skips a malformed request in a list, reports it, and keeps the others', async () => {
    const seed = seedDirectory();
    // Microsoft's get-request.md example 1 request, with its Uuid damaged (not a GUID).
    const broken = { ...seed.requests[0]!, Uuid: 'a9b4b42c-not-a-guid' };
    seed.requests.push(broken);
    const skipped: unknown[] = [];
    const { client } = await simWithClient({ seed }, { onSkipped: (s) => skipped.push(s) });
    const approved = await client.listRequestsReport({ status: 'Approved' });
    expect(approved.skipped).toBe(1);
    expect(approved.requests).toHaveLength(9);
    expect(skipped).toEqual([{ route: 'GET /requests', index: 9, problem: expect.stringMatching(/^Uuid: not a GUID/) }]);
    expect(await client.listRequests({ status: 'Approved' })).toHaveLength(9);
  });
});
