import { afterEach, describe, expect, it } from 'vitest';
import { call } from '../../../src/main/station/dispatch';
import { SAMPLE_CARDS } from '../../../src/main/training';
import { seedDirectory, seedGuid } from '../../../src/main/training/cm-sim';
import { sampleCard } from '../../../src/main/training/sample-cards';
import type { EnrollmentState } from '../../../src/shared/enrollment';
import type { OutboxOperation } from '../../../src/shared/outbox';
import { nextEvent } from '../../support/station-events';
import { startTestStation, type TestStation } from '../../support/test-station';

/**
 * Issue #9 against the strict simulator, through the whole station: every case the issue lists.
 * Wire numbers are the documented ones, written out (2 Assigned, 3 Active, 6 Retired; RequestType
 * 5 Unblock in MIMDocs/reference/get-request.md example 2), never taken from the client's tables.
 */
const READER = 'Reader A';
const PIV1 = SAMPLE_CARDS.find((c) => c.id === 'piv-1')!;
const EXAMPLE_UNBLOCK = '0c96d73f-967b-420e-854a-43ad2a1504bc';
const EXAMPLE_UNBLOCK_CARD = '17cf063d-e337-4aa9-a822-346554ddd3c9';
const RECOVER_CHEN = seedGuid('request/recover-chen');
const CHEN_CARD = seedGuid('smartcard/chen-1');
const ENROLL_ALICE = seedGuid('request/enroll-alice');
const ENROLL_BRAM = seedGuid('request/enroll-bram');
const CONFIRMED = { requestTypeNumbers: { '2': 'Recover', '3': 'Renew' } } as const;

let t: TestStation | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

async function station(...args: Parameters<typeof startTestStation>): Promise<TestStation> {
  t = await startTestStation(...args);
  return t;
}

const enrollment = (s: TestStation, accept: (state: EnrollmentState) => boolean) =>
  nextEvent(s.station, 'enrollment.changed', (state) => state.reader === READER && accept(state));

async function insert(s: TestStation): Promise<string> {
  const read = enrollment(s, (state) => state.step === 'card-read' && state.card.cm.state !== 'asking');
  s.readers.insert(READER, sampleCard(PIV1));
  const state = await read;
  if (state.step !== 'card-read' || state.card.identifier.value === null) throw new Error('card not read');
  return state.card.identifier.value;
}

const sent = (s: TestStation, method: 'POST' | 'PUT') => s.cm.admin.received().filter((r) => r.method === method);
const ops = (s: TestStation): Promise<OutboxOperation[]> => call(s.station.handlers, 'outbox.list', {});
const until = async (s: TestStation, accept: (list: OutboxOperation[]) => boolean): Promise<OutboxOperation[]> => {
  for (let i = 0; i < 200; i++) {
    const list = await ops(s);
    if (accept(list)) return list;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`outbox never reached the expected state: ${JSON.stringify(await ops(s))}`);
};

describe('request types (request-types.ts) decide what may be bound and retired', () => {
  it('refuses the documented Approved Unblock with nothing sent: it acts on the user’s working card', async () => {
    const s = await station({}, { policy: CONFIRMED });
    await insert(s);
    await expect(call(s.station.handlers, 'enrollment.choose', { reader: READER, requestId: EXAMPLE_UNBLOCK })).rejects.toMatchObject({
      code: 'REQUEST_TYPE_NOT_BINDABLE',
    });
    await expect(
      call(s.station.handlers, 'enrollment.choose', { reader: READER, requestId: EXAMPLE_UNBLOCK, acceptUnconfirmedType: true }),
    ).rejects.toMatchObject({ code: 'REQUEST_TYPE_NOT_BINDABLE' });
    expect(sent(s, 'POST')).toEqual([]);
    expect(sent(s, 'PUT')).toEqual([]);
    expect(s.cm.admin.state().smartcards.find((c) => c.Uuid === EXAMPLE_UNBLOCK_CARD)?.Status).toBe(2);
  });

  it('refuses an unconfirmed type without acknowledgement; acknowledged, it binds and retires nothing', async () => {
    const s = await station(); // no requestTypeNumbers: Recover's 2 is unconfirmed
    await insert(s);
    await expect(call(s.station.handlers, 'enrollment.choose', { reader: READER, requestId: RECOVER_CHEN })).rejects.toMatchObject({
      code: 'REQUEST_TYPE_UNCONFIRMED',
    });
    const chosen = await call(s.station.handlers, 'enrollment.choose', { reader: READER, requestId: RECOVER_CHEN, acceptUnconfirmedType: true });
    expect(chosen).toMatchObject({ step: 'request-chosen', replacement: null });
    const done = enrollment(s, (state) => state.step === 'done');
    await call(s.station.handlers, 'enrollment.bind', { reader: READER });
    expect(await done).toMatchObject({ bind: { state: 'done' }, retire: null });
    expect(sent(s, 'PUT')).toEqual([]);
    expect(s.cm.admin.state().smartcards.find((c) => c.Uuid === CHEN_CARD)?.Status).toBe(3);
  });
});

describe('which card is retired', () => {
  it('never the card being bound (a renew onto the same card), nor a card of another user', async () => {
    const seed = seedDirectory();
    const farahCard = seed.smartcards.find((c) => c.Uuid === seedGuid('smartcard/farah-1'))!;
    farahCard.SerialNumber = '{2d1c0b5a-4f3e-6150-7283-940a1b2c3d4e}'; // PIV1's identifier: the same physical card
    const chenCard = seed.smartcards.find((c) => c.Uuid === CHEN_CARD)!;
    chenCard.AssignedUserUuid = seedGuid('user/dana'); // the request names a card CM shows for someone else
    const s = await station({}, { policy: CONFIRMED, sim: { seed } });
    await insert(s);
    const renew = await call(s.station.handlers, 'enrollment.choose', { reader: READER, requestId: seedGuid('request/renew-farah') });
    expect(renew).toMatchObject({ step: 'request-chosen', replacement: null });
    const recover = await call(s.station.handlers, 'enrollment.choose', { reader: READER, requestId: RECOVER_CHEN });
    expect(recover).toMatchObject({ step: 'request-chosen', replacement: null });
    // Named explicitly by the operator, another user's card is refused outright.
    await expect(
      call(s.station.handlers, 'enrollment.choose', { reader: READER, requestId: ENROLL_ALICE, replaceSmartcardUuid: CHEN_CARD }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    // An Enroll retires only a card the operator names.
    const enroll = await call(s.station.handlers, 'enrollment.choose', { reader: READER, requestId: ENROLL_ALICE });
    expect(enroll).toMatchObject({ step: 'request-chosen', replacement: null });
  });
});

describe('retire timing: never', () => {
  it('binds a Recover without queuing any retire, and refuses a card the operator names', async () => {
    const s = await station({}, { policy: { ...CONFIRMED, retireReplacedCard: 'never' } });
    await insert(s);
    expect(await call(s.station.handlers, 'enrollment.choose', { reader: READER, requestId: RECOVER_CHEN })).toMatchObject({ replacement: null });
    await expect(
      call(s.station.handlers, 'enrollment.choose', { reader: READER, requestId: RECOVER_CHEN, replaceSmartcardUuid: CHEN_CARD }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/retireReplacedCard: never/) });
  });
});

describe('retire timing: when-new-card-active (default)', () => {
  it('holds the retire until CM shows the new card Active, saying what it waits for; then retires once', async () => {
    const s = await station({}, { policy: CONFIRMED });
    await insert(s);
    await call(s.station.handlers, 'enrollment.choose', { reader: READER, requestId: RECOVER_CHEN });
    await call(s.station.handlers, 'enrollment.bind', { reader: READER });
    const held = await until(s, (list) => list.some((op) => op.kind === 'retire' && op.waiting !== null && op.waiting.polls >= 2));
    const bind = held.find((op) => op.kind === 'bind')!;
    const retire = held.find((op) => op.kind === 'retire')!;
    expect(bind).toMatchObject({ state: 'done' });
    expect(retire).toMatchObject({
      state: 'pending',
      waitFor: 'new-card-active',
      waiting: { newSmartcardUuid: bind.result!.smartcardUuid, lastStatus: 'Assigned' },
    });
    expect(sent(s, 'PUT')).toEqual([]);
    expect(s.cm.admin.state().smartcards.find((c) => c.Uuid === CHEN_CARD)?.Status).toBe(3);

    // A CM client writes the new card: Active (3). The next poll retires the old card.
    expect(await s.cm.admin.activate(bind.result!.smartcardUuid)).toBe(true);
    await until(s, (list) => list.find((op) => op.id === retire.id)?.state === 'done');
    expect(sent(s, 'PUT')).toHaveLength(1);
    expect(s.cm.admin.state().smartcards.find((c) => c.Uuid === CHEN_CARD)?.Status).toBe(6);
  });

  it('"retire now" releases a held retire after the operator’s confirmation', async () => {
    const s = await station({}, { policy: CONFIRMED });
    await insert(s);
    await call(s.station.handlers, 'enrollment.choose', { reader: READER, requestId: RECOVER_CHEN });
    await call(s.station.handlers, 'enrollment.bind', { reader: READER });
    const held = await until(s, (list) => list.some((op) => op.kind === 'retire' && op.waiting !== null));
    const retire = held.find((op) => op.kind === 'retire')!;
    await expect(call(s.station.handlers, 'outbox.releaseHold', { id: retire.id, confirm: false } as never)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await call(s.station.handlers, 'outbox.releaseHold', { id: retire.id, confirm: true });
    await until(s, (list) => list.find((op) => op.id === retire.id)?.state === 'done');
    expect(s.cm.admin.state().smartcards.find((c) => c.Uuid === CHEN_CARD)?.Status).toBe(6);
  });

  it('an explicit retire (a lost card) is sent at once, never held; an already-Retired card is done whatever CM answers', async () => {
    const s = await station({}, { policy: CONFIRMED });
    const lost = await s.station.retireCard(RECOVER_CHEN, CHEN_CARD);
    expect(lost).toMatchObject({ kind: 'retire', waitFor: null });
    await until(s, (list) => list.find((op) => op.id === lost.id)?.state === 'done');
    // Default route retire-request (issue #17, part 3): one Retire request created, the PUT under its id.
    const puts = sent(s, 'PUT');
    expect(puts).toHaveLength(1);
    const done = (await until(s, () => true)).find((op) => op.id === lost.id);
    expect(done?.kind === 'retire' && done.retireRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(puts[0]?.path).toContain(`requests/${done?.kind === 'retire' ? done.retireRequestId : ''}/smartcards/${CHEN_CARD}`);
    // Again: the card is read before any PUT; it is Retired, so it is done and the strict CM never hears a repeat.
    const again = await s.station.retireCard(RECOVER_CHEN, CHEN_CARD);
    const list = await until(s, (l) => l.find((op) => op.id === again.id)?.state === 'done');
    expect(list.find((op) => op.id === again.id)).toMatchObject({ state: 'done', refusals: 0 });
    expect(sent(s, 'PUT')).toHaveLength(1);
    const audit = await call(s.station.handlers, 'audit.query', { requestId: RECOVER_CHEN });
    expect(audit.filter((e) => e.action === 'retire.done').at(-1)?.message).toMatch(/checked in CM/);
  });
});

describe('settle only on proof; refusals end', () => {
  it('a bind CM refuses because the card is in use elsewhere needs attention at once, with both ids, never resent', async () => {
    const s = await station({}, { policy: CONFIRMED });
    await insert(s);
    await call(s.station.handlers, 'enrollment.choose', { reader: READER, requestId: ENROLL_ALICE });
    const first = enrollment(s, (state) => state.step === 'done');
    await call(s.station.handlers, 'enrollment.bind', { reader: READER });
    const aliceCard = (await first) as Extract<EnrollmentState, { step: 'done' }>;
    const aliceUuid = aliceCard.bind.state === 'done' ? aliceCard.bind.smartcardUuid : '';
    await call(s.station.handlers, 'enrollment.reset', { reader: READER });

    await call(s.station.handlers, 'enrollment.choose', { reader: READER, requestId: ENROLL_BRAM });
    const attention = enrollment(s, (state) => state.step === 'attention');
    await call(s.station.handlers, 'enrollment.bind', { reader: READER });
    const state = await attention;
    expect(state).toMatchObject({ bind: { state: 'needs-attention', error: { code: 'CM_CARD_IN_USE' } } });
    const list = await ops(s);
    const refused = list.find((op) => op.kind === 'bind' && op.requestId === ENROLL_BRAM)!;
    expect(refused.lastError?.message).toContain(aliceUuid);
    expect(refused.state).toBe('needs-attention');
    expect(sent(s, 'POST')).toHaveLength(2); // one for Alice, one refused for Bram: never resent
    expect(s.cm.admin.state().requests.find((r) => r.Uuid === ENROLL_BRAM)?.NewSmartcardUuid).toBe('00000000-0000-0000-0000-000000000000');
  });

  it('a refused bind needs attention after 3 verified attempts with CM’s message, and is never “done”', async () => {
    const correlation = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
    const s = await station(
      {},
      {
        policy: CONFIRMED,
        sim: {
          faults: [{ fault: { kind: 'refusal', status: 500, message: `An error has occurred. Correlation ID: ${correlation}.` }, route: 'POST /smartcards' }],
        },
      },
    );
    await insert(s);
    await call(s.station.handlers, 'enrollment.choose', { reader: READER, requestId: ENROLL_ALICE });
    const attention = enrollment(s, (state) => state.step === 'attention');
    await call(s.station.handlers, 'enrollment.bind', { reader: READER });
    await attention;
    const [bind] = await ops(s);
    expect(bind).toMatchObject({
      state: 'needs-attention',
      refusals: 3,
      result: null,
      lastError: { code: 'CM_REFUSED', correlationId: correlation, serverMessage: `An error has occurred. Correlation ID: ${correlation}.` },
    });
    expect(sent(s, 'POST')).toHaveLength(3);
  });

  it('a re-used card whose POST was dropped is bound again under a new record, not settled by its Retired one', async () => {
    const seed = seedDirectory();
    const oldLife = seedGuid('smartcard/piv-1-old-life');
    const template = seed.smartcards[0]!;
    // PIV1 had an earlier life in CM: Retired (6), another user.
    seed.smartcards.push({
      ...template,
      Uuid: oldLife,
      Status: 6,
      AssignedUserUuid: seedGuid('user/dana'),
      SerialNumber: '{2d1c0b5a-4f3e-6150-7283-940a1b2c3d4e}',
    });
    const s = await station({}, { policy: CONFIRMED, sim: { seed, faults: [{ fault: { kind: 'connection-reset' }, route: 'POST /smartcards', times: 1 }] } });
    const cardId = await insert(s);
    expect(cardId).toBe('2d1c0b5a-4f3e-6150-7283-940a1b2c3d4e');
    await call(s.station.handlers, 'enrollment.choose', { reader: READER, requestId: ENROLL_ALICE });
    await call(s.station.handlers, 'enrollment.bind', { reader: READER });
    const [bind] = await until(s, (list) => list[0]?.state === 'done');
    const records = s.cm.admin.state().smartcards.filter((c) => c.SerialNumber === `{${cardId}}`);
    expect(records.map((c) => c.Status)).toEqual([6, 2]);
    expect(bind!.result?.smartcardUuid).toBe(records[1]!.Uuid);
    expect(bind!.result?.smartcardUuid).not.toBe(oldLife);
    expect(s.cm.admin.state().requests.find((r) => r.Uuid === ENROLL_ALICE)?.NewSmartcardUuid).toBe(records[1]!.Uuid);
    // The first POST was cut off before CM: the proof found only the Retired record, so it was sent again.
    expect(sent(s, 'POST')).toHaveLength(2);
  });

  it('a bind whose answer was lost after CM acted is proved by the request, not sent again', async () => {
    const s = await station(
      {},
      { policy: CONFIRMED, sim: { faults: [{ fault: { kind: 'connection-reset' }, route: 'POST /smartcards', times: 1, when: 'after' }] } },
    );
    await insert(s);
    await call(s.station.handlers, 'enrollment.choose', { reader: READER, requestId: ENROLL_ALICE });
    await call(s.station.handlers, 'enrollment.bind', { reader: READER });
    const [bind] = await until(s, (list) => list[0]?.state === 'done');
    expect(bind!.result?.smartcardUuid).toBe(s.cm.admin.state().requests.find((r) => r.Uuid === ENROLL_ALICE)?.NewSmartcardUuid);
    expect(sent(s, 'POST')).toHaveLength(1);
  });
});

// Issue #17, part 3, against the strict simulator: the two readings of the retire route.
describe('the retire route (machine policy retireRoute)', () => {
  it('retire-request: waits visibly while CM has the Retire request Pending, retires under it once approved', async () => {
    const s = await station({}, { policy: CONFIRMED, sim: { approval: 'required' } });
    const op = await s.station.retireCard(RECOVER_CHEN, CHEN_CARD);
    expect(op).toMatchObject({ route: 'retire-request' });
    const waiting = (await until(s, (l) => l.some((o) => o.id === op.id && o.waiting?.on === 'retire-request'))).find((o) => o.id === op.id)!;
    expect(waiting).toMatchObject({ state: 'pending', waiting: { lastStatus: 'Pending' } });
    const retireRequestId = waiting.kind === 'retire' ? waiting.retireRequestId : null;
    // The Retire request was created as create-request.md shows it: type, smartcard, datacollection, comment.
    const posts = sent(s, 'POST').filter((r) => r.path.endsWith('/requests'));
    expect(posts.map((r) => JSON.parse(r.body) as unknown)).toEqual([{ type: 'Retire', smartcard: CHEN_CARD, datacollection: '[]', comment: '' }]);
    expect(sent(s, 'PUT')).toEqual([]);
    // Request Status 16 Pending (SDK SQL API, cm-rest-api.md [Q1]) in CM's own record.
    expect(s.cm.admin.state().requests.find((r) => r.Uuid === retireRequestId)).toMatchObject({ Status: 16, OldSmartcardUuid: CHEN_CARD });
    expect(await s.cm.admin.approve(retireRequestId ?? '')).toBe(true);
    await call(s.station.handlers, 'outbox.replay', {});
    await until(s, (l) => l.find((o) => o.id === op.id)?.state === 'done');
    expect(sent(s, 'PUT').map((r) => r.path)).toEqual([expect.stringContaining(`requests/${retireRequestId ?? ''}/smartcards/${CHEN_CARD}`)]);
    // Card Status 6 Retired (update-smartcard-status.md example).
    expect(s.cm.admin.state().smartcards.find((c) => c.Uuid === CHEN_CARD)?.Status).toBe(6);
    expect(sent(s, 'POST').filter((r) => r.path.endsWith('/requests'))).toHaveLength(1);
  });

  it('a CM that takes the other reading refuses: the retire ends in needs-attention with CM’s words, never a loop', async () => {
    const s = await station({}, { policy: { ...CONFIRMED, retireRoute: 'replacing-request' }, sim: { retireUnder: 'retire-request' } });
    const op = await s.station.retireCard(RECOVER_CHEN, CHEN_CARD);
    for (let i = 0; i < 3; i++) await call(s.station.handlers, 'outbox.replay', {});
    const failed = (await until(s, (l) => l.find((o) => o.id === op.id)?.state === 'needs-attention')).find((o) => o.id === op.id);
    expect(failed).toMatchObject({ lastError: { code: 'CM_REFUSED', serverMessage: expect.stringMatching(/cannot retire smart card/) } });
    expect(sent(s, 'PUT').length).toBeLessThanOrEqual(3);
  });
});

// Issue #17, part 5: never queue an id the client cannot send.
describe('card identifiers CM is sent', () => {
  it('a CPLC-only card is bound with its hex (what CM can store), looked up and compared by it', async () => {
    const s = await station({}, { policy: CONFIRMED });
    const read = enrollment(s, (state) => state.step === 'card-read' && state.card.cm.state !== 'asking');
    // A GlobalPlatform card with only a CPLC: the station shows it as fabricator-type-batch-serial.
    s.readers.insert(
      READER,
      sampleCard({
        id: 'gp',
        label: 'GlobalPlatform',
        atr: '3b8d0180fba000000397425446590301c8',
        behaviour: { kind: 'globalplatform', cplc: { fabricator: '4790', type: '5167', serial: '12345678', batch: '0102' } },
      }),
    );
    const state = await read;
    expect(state).toMatchObject({ card: { identifier: { kind: 'cplc', value: '4790-5167-0102-12345678' }, cm: { state: 'unknown' } } });
    await call(s.station.handlers, 'enrollment.choose', { reader: READER, requestId: ENROLL_ALICE });
    const done = enrollment(s, (e) => e.step === 'done');
    await call(s.station.handlers, 'enrollment.bind', { reader: READER });
    await done;
    const posts = sent(s, 'POST').filter((r) => r.path.endsWith('/smartcards'));
    expect(posts.map((r) => (JSON.parse(r.body) as { cardid: string }).cardid)).toEqual(['47905167010212345678']);
    expect((await ops(s))[0]).toMatchObject({ kind: 'bind', cardId: '47905167010212345678', state: 'done' });
  });
});

// Issue #17, part 1, with Microsoft's own objects (get-request.md example 1: the Approved Enroll
// a9b4b42c of user 8f1590dc; get-smartcard-data.md example 1: that user's Active card 17cf063d,
// SerialNumber {bc88f13f-83ba-4037-8262-46eba1291c6e}).
describe('a refused bind is never reported bound', () => {
  it('the user’s own live card inserted for a new Enroll: CM refuses, the station needs a person with CM’s words', async () => {
    const s = await station({}, { policy: CONFIRMED });
    const read = enrollment(s, (state) => state.step === 'card-read' && state.card.cm.state !== 'asking');
    // The CHUID bytes whose CM form (mixed-endian, pcsc/identify.ts) is the example's card id.
    s.readers.insert(READER, sampleCard({ ...PIV1, id: 'example', behaviour: { kind: 'piv', guid: '3ff188bcba833740826246eba1291c6e' } }));
    const state = await read;
    expect(state).toMatchObject({ card: { identifier: { value: 'bc88f13f-83ba-4037-8262-46eba1291c6e' } } });
    await call(s.station.handlers, 'enrollment.choose', { reader: READER, requestId: 'a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099' });
    const settled = enrollment(s, (e) => e.step === 'attention' || e.step === 'done');
    await call(s.station.handlers, 'enrollment.bind', { reader: READER });
    const final = await settled;
    expect(final.step).toBe('attention');
    const bind = (await ops(s)).find((o) => o.kind === 'bind');
    expect(bind).toMatchObject({
      state: 'needs-attention',
      result: null,
      lastError: { code: 'CM_UNPROVEN', serverMessage: expect.stringMatching(/already in use/) },
    });
    expect(bind?.lastError?.message).toContain('17cf063d-e337-4aa9-a822-346554ddd3c9');
  });
});
