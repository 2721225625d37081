import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call } from '../../../src/main/station/dispatch';
import { SAMPLE_CARDS } from '../../../src/main/training';
import { sampleCard } from '../../../src/main/training/sample-cards';
import { nextEvent } from '../../support/station-events';
import { startTestStation, type TestStation } from '../../support/test-station';

const EMPTY = '00000000-0000-0000-0000-000000000000';
const [PIV1, PIV2, PIV3] = ['piv-1', 'piv-2', 'piv-3'].map((id) => SAMPLE_CARDS.find((c) => c.id === id)!);

let t: TestStation;
beforeEach(async () => {
  t = await startTestStation();
});
afterEach(() => t.close());

const approvedEnrolments = () =>
  t.cm.admin
    .state()
    .requests.filter((r) => r.Status === 3 && r.OldSmartcardUuid === EMPTY)
    .map((r) => r.Uuid.toLowerCase());
const chosen = (reader: string, requestId: string) =>
  nextEvent(t.station, 'enrollment.changed', (s) => s.reader === reader && s.step === 'request-chosen' && s.request.uuid === requestId);

describe('bulk mode', () => {
  it('offers each new card the next request, in order, and drops a request once its bind is submitted', async () => {
    const [first, second] = approvedEnrolments();
    await call(t.station.handlers, 'batch.set', { requestIds: [first!, second!] });

    const firstChosen = chosen('Reader A', first!);
    t.readers.insert('Reader A', sampleCard(PIV1!));
    await firstChosen;
    // The operator still confirms; nothing was sent before.
    expect(t.cm.admin.received().filter((r) => r.method === 'POST')).toHaveLength(0);
    const done = nextEvent(t.station, 'enrollment.changed', (s) => s.reader === 'Reader A' && s.step === 'done');
    await call(t.station.handlers, 'enrollment.bind', { reader: 'Reader A' });
    await done;
    expect((await call(t.station.handlers, 'station.snapshot', {})).batch).toMatchObject({ pending: [second], submitted: [first] });

    // Another reader gets the next one, not the first again.
    const secondChosen = chosen('Reader B', second!);
    t.readers.insert('Reader B', sampleCard(PIV2!));
    await secondChosen;
  });

  it('puts a request back when its card leaves before the bind, and skips one that cannot be bound', async () => {
    const [first] = approvedEnrolments();
    const pending = t.cm.admin
      .state()
      .requests.find((r) => r.Status === 16)!
      .Uuid.toLowerCase();
    await call(t.station.handlers, 'batch.set', { requestIds: [pending, first!] });

    const firstChosen = chosen('Reader A', first!);
    t.readers.insert('Reader A', sampleCard(PIV1!));
    await firstChosen;
    const state = (await call(t.station.handlers, 'station.snapshot', {})).batch;
    expect(state.skipped).toEqual([{ requestId: pending, reason: expect.stringMatching(/Pending/), code: 'REQUEST_NOT_BINDABLE', params: expect.any(Object) }]);
    expect(state.reserved).toEqual([{ reader: 'Reader A', requestId: first }]);

    const released = nextEvent(t.station, 'batch.changed', (b) => b.reserved.length === 0);
    t.readers.remove('Reader A');
    await released;
    const again = chosen('Reader B', first!);
    t.readers.insert('Reader B', sampleCard(PIV3!));
    await again;
  });

  it('stops when cleared', async () => {
    await call(t.station.handlers, 'batch.set', { requestIds: approvedEnrolments() });
    expect((await call(t.station.handlers, 'batch.clear', {})).pending).toEqual([]);
    const read = nextEvent(t.station, 'enrollment.changed', (s) => s.reader === 'Reader A' && s.step === 'card-read' && s.card.cm.state !== 'asking');
    t.readers.insert('Reader A', sampleCard(PIV1!));
    await read;
    // An active batch reserves a request in the same turn as this event; a cleared one does not.
    expect((await call(t.station.handlers, 'station.snapshot', {})).batch.reserved).toEqual([]);
    expect(t.cm.admin.received().filter((r) => r.method === 'GET' && /\/requests\/[0-9a-f-]{36}$/i.test(r.path))).toHaveLength(0);
  });
});
