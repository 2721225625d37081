import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EnrollmentState } from '../../../src/shared/enrollment';
import { call } from '../../../src/main/station/dispatch';
import { SAMPLE_CARDS } from '../../../src/main/training';
import { sampleCard } from '../../../src/main/training/sample-cards';
import { nextEvent } from '../../support/station-events';
import { startTestStation, type TestStation } from '../../support/test-station';

const READER = 'Reader A';
const EMPTY = '00000000-0000-0000-0000-000000000000';
const PIV1 = SAMPLE_CARDS.find((c) => c.id === 'piv-1')!;
const PIV2 = SAMPLE_CARDS.find((c) => c.id === 'piv-2')!;

let t: TestStation;
beforeEach(async () => {
  // IT confirmed the training directory's Recover (2) and Renew (3) numbers; retires as soon as bound.
  t = await startTestStation({}, { policy: { requestTypeNumbers: { '2': 'Recover', '3': 'Renew' }, retireReplacedCard: 'after-bind' } });
});
afterEach(() => t.close());

const enrollment = (step: EnrollmentState['step']) =>
  nextEvent(t.station, 'enrollment.changed', (s) => s.reader === READER && s.step === step && (s.step !== 'card-read' || s.card.cm.state !== 'asking'));

async function insert(spec = PIV1) {
  const read = enrollment('card-read');
  t.readers.insert(READER, sampleCard(spec));
  return read;
}

/** Seeded requests (cm-sim/seed.ts): Approved enrolments, and Approved replacements of an Active card. */
function seeded() {
  const requests = t.cm.admin.state().requests.filter((r) => r.Status === 3);
  const enroll = requests.find((r) => r.OldSmartcardUuid === EMPTY)!;
  const replace = requests.find((r) => r.OldSmartcardUuid !== EMPTY)!;
  return { enroll: enroll.Uuid, replace: replace.Uuid, replaced: replace.OldSmartcardUuid };
}
const posts = () => t.cm.admin.received().filter((r) => r.method === 'POST');
const h = () => t.station.handlers;

describe('enrollment workflow (whole station, CM simulator over HTTP)', () => {
  it('binds a new card online: exactly the payload shown is sent, and the new smart card id comes back', async () => {
    const read = await insert();
    expect(read).toMatchObject({ step: 'card-read', card: { identifier: { kind: 'piv-guid' }, cm: { state: 'unknown' } } });
    const { enroll } = seeded();
    const search = await call(h(), 'requests.search', { query: enroll.slice(0, 8) });
    expect(search.source).toBe('live');
    expect(search.requests.map((r) => r.uuid)).toContain(enroll);

    const chosen = await call(h(), 'enrollment.choose', { reader: READER, requestId: enroll });
    if (chosen.step !== 'request-chosen') throw new Error(chosen.step);
    expect(chosen.payload).toEqual({ requestid: enroll, cardid: read.step === 'card-read' ? read.card.identifier.value : '', atr: PIV1.atr });

    const done = enrollment('done');
    await call(h(), 'enrollment.bind', { reader: READER });
    const final = await done;
    if (final.step !== 'done' || final.bind.state !== 'done') throw new Error(JSON.stringify(final));
    expect(posts()).toHaveLength(1);
    expect(JSON.parse(posts()[0]!.body ?? '')).toEqual(chosen.payload);
    const newCard = final.bind.smartcardUuid;
    const card = t.cm.admin.state().smartcards.find((c) => c.Uuid === newCard);
    expect(card?.SerialNumber).toBe(`{${chosen.payload.cardid}}`);
    // The card panel learns that CM now knows the card.
    await nextEvent(t.station, 'card.changed', (c) => c.reading?.cm.state === 'found');
    const audit = await call(h(), 'audit.query', { requestId: enroll });
    expect(audit.map((e) => e.action)).toEqual(expect.arrayContaining(['bind.requested', 'bind.queued', 'bind.done']));
  });

  it('replaces a card (retireReplacedCard: after-bind): binds the new one, then retires the old one (PUT {"status":"Retired"})', async () => {
    await insert();
    const { replace, replaced } = seeded();
    const chosen = await call(h(), 'enrollment.choose', { reader: READER, requestId: replace });
    expect(chosen).toMatchObject({ step: 'request-chosen', replacement: { smartcardUuid: replaced, source: 'request' } });
    const done = enrollment('done');
    await call(h(), 'enrollment.bind', { reader: READER });
    const final = await done;
    expect(final).toMatchObject({ bind: { state: 'done' }, retire: { state: 'done', smartcardUuid: replaced } });
    // Default retire route `retire-request` (issue #17, part 3): a Retire request for the old card
    // (created as create-request.md shows, RequestType 7 in the simulator, an inference), the PUT under it.
    const retireRequest = t.cm.admin.state().requests.find((r) => r.OldSmartcardUuid === replaced && r.RequestType === 7);
    expect(retireRequest).toBeDefined();
    const put = t.cm.admin.received().find((r) => r.method === 'PUT');
    expect(put?.path.toLowerCase()).toContain(`/requests/${retireRequest?.Uuid ?? ''}/smartcards/${replaced}`);
    expect(JSON.parse(put?.body ?? '')).toEqual({ status: 'Retired' });
    expect(t.cm.admin.state().smartcards.find((c) => c.Uuid === replaced)?.Status).toBe(6);
  });

  it('refuses to bind when a different card is in the reader at confirm time, and sends nothing', async () => {
    await insert(PIV1);
    await call(h(), 'enrollment.choose', { reader: READER, requestId: seeded().enroll });
    // Swapped behind the operator's back between choosing and confirming (the reader sees only
    // the new card: same ATR, another identifier).
    t.readers.insert(READER, sampleCard({ ...PIV2, atr: PIV1.atr }));
    const result = await call(h(), 'enrollment.bind', { reader: READER });
    expect(result).toMatchObject({ step: 'request-chosen', notice: { code: 'CARD_MISMATCH' } });
    expect(posts()).toHaveLength(0);
  });

  it('goes back to waiting when the card is pulled before confirming, and refuses to confirm then', async () => {
    await insert();
    await call(h(), 'enrollment.choose', { reader: READER, requestId: seeded().enroll });
    const waiting = enrollment('waiting');
    t.readers.remove(READER);
    await waiting;
    await expect(call(h(), 'enrollment.bind', { reader: READER })).rejects.toMatchObject({ code: 'WORKFLOW_STATE' });
    expect(posts()).toHaveLength(0);
  });

  it('queues while CM is down and replays exactly once when it is back', async () => {
    await insert();
    const { enroll } = seeded();
    await call(h(), 'enrollment.choose', { reader: READER, requestId: enroll });
    t.cm.admin.setFaults([{ fault: { kind: 'connection-reset' } }]);
    const done = enrollment('done');
    await call(h(), 'enrollment.bind', { reader: READER });
    const queued = await done;
    expect(queued).toMatchObject({ bind: { state: 'queued' } });
    const offline = await call(h(), 'station.snapshot', {});
    expect(offline.connection.mode).toBe('offline');

    const sent = nextEvent(t.station, 'enrollment.changed', (s) => s.step === 'done' && s.bind.state === 'done', 10_000);
    t.cm.admin.clearFaults();
    await sent;
    const bound = t.cm.admin.state().smartcards.filter((c) => c.SerialNumber.includes(queued.step === 'done' ? queued.payload.cardid : '?'));
    expect(bound).toHaveLength(1);
  });

  it('shows CM refusals (403) as needing attention with the reason', async () => {
    await insert();
    await call(h(), 'enrollment.choose', { reader: READER, requestId: seeded().enroll });
    t.cm.admin.setFaults([{ fault: { kind: 'forbidden' }, route: 'POST /smartcards' }]);
    const attention = enrollment('attention');
    await call(h(), 'enrollment.bind', { reader: READER });
    expect(await attention).toMatchObject({ bind: { state: 'needs-attention', error: { code: 'CM_FORBIDDEN' } } });
  });

  it('keeps a 500 queued with its correlation id', async () => {
    await insert();
    await call(h(), 'enrollment.choose', { reader: READER, requestId: seeded().enroll });
    t.cm.admin.setFaults([{ fault: { kind: 'server-error' } }]);
    const queued = nextEvent(t.station, 'enrollment.changed', (s) => s.step === 'done' && s.bind.state === 'queued' && s.bind.error !== null);
    await call(h(), 'enrollment.bind', { reader: READER });
    const state = await queued;
    if (state.step !== 'done' || state.bind.state !== 'queued') throw new Error('unreachable');
    expect(state.bind.error?.code).toBe('CM_SERVER_ERROR');
    expect(state.bind.error?.details.correlationId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses a request that is not Approved or Executing', async () => {
    await insert();
    const pending = t.cm.admin.state().requests.find((r) => r.Status === 16)!;
    await expect(call(h(), 'enrollment.choose', { reader: READER, requestId: pending.Uuid.toLowerCase() })).rejects.toMatchObject({
      code: 'REQUEST_NOT_BINDABLE',
    });
  });
});
