import { describe, expect, it } from 'vitest';
import { checkHold } from '../../../src/main/outbox/held-retires';
import type { CardRecord, OutboxCmPort, RequestRecord } from '../../../src/main/outbox/port';
import type { OutboxOperation } from '../../../src/shared/outbox';

const OLD = '17cf063d-e337-4aa9-a822-346554ddd3c9';
const NEW = '438d1b30-f3b4-4bed-85fa-285e08605ba7';
const record = (uuid: string, status: string, cardId: string): CardRecord => ({ uuid, status, cardId, assignedUserUuid: null, profileTemplateUuid: null });

const REQ = 'a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099';
/** Request statuses by the SDK SQL API numbers' names (cm-rest-api.md [Q1]): Approved 3, Completed 8, Failed 9, Canceled 17. */
const request = (status: string): RequestRecord => ({
  uuid: REQ,
  status,
  type: 'Unknown(2)',
  newSmartcardUuid: NEW,
  oldSmartcardUuid: OLD,
  targetUserUuid: null,
  profileTemplateUuid: null,
});

function port(cards: CardRecord[], status = 'Approved'): OutboxCmPort & { gets: string[] } {
  const gets: string[] = [];
  const refuse = () => Promise.reject(new Error('not used'));
  return {
    gets,
    bind: refuse,
    retire: refuse,
    createRetireRequest: refuse,
    findOpenRetireRequests: refuse,
    findSmartcardsByCardId: refuse,
    getRequest: async () => request(status),
    getSmartcard: async (uuid) => {
      gets.push(uuid);
      return cards.find((c) => c.uuid === uuid) ?? null;
    },
  };
}

const retire = (waitFor: 'new-card-active' | null) =>
  ({ kind: 'retire', requestId: REQ, smartcardUuid: OLD, waitFor, waiting: null }) as Extract<OutboxOperation, { kind: 'retire' }>;

describe('held retires', () => {
  it('waits while the new card is Assigned (or unknown), saying what it saw; asks nothing when not held', async () => {
    const cm = port([record(NEW, 'Assigned', 'new-card'), record(OLD, 'Active', 'old-card')]);
    expect(await checkHold(cm, retire(null), NEW, '2026-12-01T10:00:00.000Z')).toEqual({ kind: 'ready' });
    expect(cm.gets).toEqual([]);
    expect(await checkHold(cm, retire('new-card-active'), NEW, '2026-12-01T10:00:00.000Z')).toEqual({
      kind: 'held',
      waiting: { on: 'new-card', newSmartcardUuid: NEW, lastStatus: 'Assigned', checkedAt: '2026-12-01T10:00:00.000Z', polls: 1 },
    });
    expect(await checkHold(port([]), retire('new-card-active'), NEW, 'x')).toMatchObject({ kind: 'held', waiting: { lastStatus: 'not found' } });
    expect(await checkHold(cm, retire('new-card-active'), null, 'x')).toEqual({ kind: 'no-new-card' });
  });

  it('goes ahead once the new card is Active, unless the card to retire is that same physical card', async () => {
    expect(await checkHold(port([record(NEW, 'Active', 'new-card'), record(OLD, 'Active', 'old-card')]), retire('new-card-active'), NEW, 'x')).toEqual({
      kind: 'ready',
    });
    expect(await checkHold(port([record(NEW, 'Active', 'same-card'), record(OLD, 'Active', 'same-card')]), retire('new-card-active'), NEW, 'x')).toEqual({
      kind: 'same-card',
      cardId: 'same-card',
    });
  });

  // Issue #17, part 9: a hold that nothing can end any more needs a person, with the reason.
  it.each(['Canceled', 'Failed', 'Completed'])('ends when the request is %s while the new card is not Active: RETIRE_REQUEST_ENDED', async (status) => {
    const check = await checkHold(port([record(NEW, 'Assigned', 'new-card')], status), retire('new-card-active'), NEW, 'x');
    expect(check).toMatchObject({ kind: 'ended', error: { code: 'RETIRE_REQUEST_ENDED', details: { requestStatus: status, newCardStatus: 'Assigned' } } });
    if (check.kind === 'ended') expect(check.error.message).toContain(`is ${status}`);
  });

  it('ends when the new card is Retired (6): RETIRE_NEW_CARD_RETIRED; a Completed request with the new card Active goes ahead', async () => {
    expect(await checkHold(port([record(NEW, 'Retired', 'new-card')]), retire('new-card-active'), NEW, 'x')).toMatchObject({
      kind: 'ended',
      error: { code: 'RETIRE_NEW_CARD_RETIRED' },
    });
    expect(
      await checkHold(port([record(NEW, 'Active', 'new-card'), record(OLD, 'Active', 'old-card')], 'Completed'), retire('new-card-active'), NEW, 'x'),
    ).toEqual({
      kind: 'ready',
    });
  });
});
