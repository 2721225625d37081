import { describe, expect, it } from 'vitest';
import { proveBind } from '../../../src/main/outbox/bind-proof';
import type { CardRecord, OutboxCmPort, RequestRecord } from '../../../src/main/outbox/port';
import { inUseError } from '../../../src/main/outbox/refusals';

const REQ = 'a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099';
const USER = '8f1590dc-d932-4b66-8e68-2e91c5880780';
const OTHER_USER = '99999999-8888-4777-8666-555555555555';
const TEMPLATE = 'a039b4d0-5ce8-4eff-8651-181c6576fda3';
const CARD_ID = 'bc88f13f-83ba-4037-8262-46eba1291c6e';
const NEW = '17cf063d-e337-4aa9-a822-346554ddd3c9';
const EARLIER = '438d1b30-f3b4-4bed-85fa-285e08605ba7';

const card = (uuid: string, status: string, user = USER, cardId = CARD_ID): CardRecord => ({
  uuid,
  status,
  cardId,
  assignedUserUuid: user,
  profileTemplateUuid: TEMPLATE,
});
const request = (newSmartcardUuid: string | null, oldSmartcardUuid: string | null = null): RequestRecord => ({
  uuid: REQ,
  status: 'Approved',
  type: 'Enroll',
  newSmartcardUuid,
  oldSmartcardUuid,
  targetUserUuid: USER,
  profileTemplateUuid: TEMPLATE,
});

function cm(records: CardRecord[], req: RequestRecord | null, extra: CardRecord[] = []): OutboxCmPort {
  const refuse = () => Promise.reject(new Error('a proof never writes'));
  return {
    bind: refuse,
    retire: refuse,
    createRetireRequest: refuse,
    findOpenRetireRequests: refuse,
    findSmartcardsByCardId: async () => records,
    getRequest: async () => req,
    getSmartcard: async (uuid) => [...records, ...extra].find((c) => c.uuid === uuid) ?? null,
  };
}
const op = { requestId: REQ, cardId: CARD_ID };

describe('proof of a bind (issue #9, part 3)', () => {
  it('is bound when the request names the live record as its NewSmartcardUuid, even beside an earlier Retired life', async () => {
    expect(await proveBind(cm([card(EARLIER, 'Retired', OTHER_USER), card(NEW, 'Assigned')], request(NEW)), op)).toEqual({ kind: 'bound', smartcardUuid: NEW });
    // A lookup scoped away from the record: the request's card is read directly.
    expect(await proveBind(cm([], request(NEW), [card(NEW, 'Active')]), op)).toEqual({ kind: 'bound', smartcardUuid: NEW });
  });

  // Issue #17, part 1 (this replaces the earlier "same user and template counts as proof" rule): the
  // sample enrollment walkthrough, steps 9-10, reads newsmartcarduuid to learn whether a card is
  // associated with the request; the empty GUID means none. A live record of the same user is then
  // the user's other card (CM has just refused ours): never "bound".
  it('with NewSmartcardUuid empty, a live record of the same user is undecidable, never bound; another user’s is in use', async () => {
    const sameUser = await proveBind(cm([card(NEW, 'Assigned')], request(null)), op);
    expect(sameUser).toMatchObject({ kind: 'undecidable' });
    expect(sameUser.kind === 'undecidable' && sameUser.why).toContain(NEW);
    expect(await proveBind(cm([card(NEW, 'Active')], request(null, NEW)), op)).toMatchObject({ kind: 'undecidable' });
    expect(await proveBind(cm([card(NEW, 'Active', OTHER_USER)], request(null)), op)).toEqual({
      kind: 'in-use-elsewhere',
      smartcardUuid: NEW,
      otherRequestCard: null,
    });
  });

  it('a record the request names that is not live, or that CM does not show, proves nothing', async () => {
    expect(await proveBind(cm([card(NEW, 'Retired')], request(NEW)), op)).toMatchObject({ kind: 'undecidable' });
    expect(await proveBind(cm([], request(NEW)), op)).toMatchObject({ kind: 'undecidable' });
  });

  it('only Retired records (or none) while the request has no card: not bound, send again', async () => {
    expect(await proveBind(cm([card(EARLIER, 'Retired', OTHER_USER)], request(null)), op)).toEqual({ kind: 'not-bound' });
    expect(await proveBind(cm([], request(null)), op)).toEqual({ kind: 'not-bound' });
  });

  it('the request holding another card is in use elsewhere, with both ids', async () => {
    const proof = await proveBind(cm([], request(EARLIER), [card(EARLIER, 'Assigned', USER, 'another-card')]), op);
    expect(proof).toEqual({ kind: 'in-use-elsewhere', smartcardUuid: null, otherRequestCard: EARLIER });
    expect(inUseError(CARD_ID, null, EARLIER).message).toMatch(/^The request already holds another card, 438d1b30/);
    expect(inUseError(CARD_ID, NEW, EARLIER).message).toMatch(
      new RegExp(`^CM already has this card \\(${CARD_ID}\\) in use as smart card ${NEW}; and the request already holds another card`),
    );
  });

  it('an undocumented status number, or a request CM no longer shows, is undecidable: a person decides', async () => {
    expect(await proveBind(cm([card(NEW, 'Unknown(5)')], request(null)), op)).toMatchObject({ kind: 'undecidable' });
    expect(await proveBind(cm([card(NEW, 'Assigned')], null), op)).toMatchObject({ kind: 'undecidable' });
  });
});
