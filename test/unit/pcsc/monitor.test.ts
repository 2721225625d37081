// The reader monitor's logic against a scripted binding and probe (the real stack is exercised in
// test/integration): hot-plug, insertion numbering, identification, outage and recovery, filters.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CardConnection, ContextListener, PcscBinding, PcscContext, ReaderStatus } from '../../../src/main/pcsc/binding';
import { createReaderMonitor, type ReaderMonitor, type ReaderMonitorDeps } from '../../../src/main/pcsc/monitor';
import type { ServiceProbe } from '../../../src/main/pcsc/service-probe';
import { StationError } from '../../../src/shared/errors';
import { readersSnapshotSchema } from '../../../src/shared/readers';
import { cardIn, waitForSnapshot } from '../../support/wait';
import { reportListenerErrorToStderr } from '../../../src/main/common';

const NOW = new Date('2026-03-04T05:06:07.000Z');
const A = 'Reader A';
const B = 'Reader B';

/** Answers every APDU with 6A 82 (file not found): a card without identifiers. */
const plainConnection = (reader: string): CardConnection => ({
  reader,
  transmit: async () => Uint8Array.from([0x6a, 0x82]),
  disconnect: async () => undefined,
});

class ScriptedContext implements PcscContext {
  readonly watched = new Set<string>();
  closed = false;
  connectImpl: (reader: string) => Promise<CardConnection> = async (reader) => plainConnection(reader);
  constructor(readonly listener: ContextListener) {}
  watch(reader: string) {
    this.watched.add(reader);
    // The real binding reports each watched reader's state right away.
    this.status(reader, { present: false });
  }
  unwatch(reader: string) {
    this.watched.delete(reader);
  }
  connect(reader: string) {
    return this.connectImpl(reader);
  }
  close() {
    this.closed = true;
  }
  status(reader: string, status: Partial<ReaderStatus>) {
    this.listener.status(reader, { present: false, atr: '', eventCount: 0, ...status });
  }
}

function scriptedBinding() {
  const contexts: ScriptedContext[] = [];
  let failNext = false;
  const binding: PcscBinding = {
    establish(listener) {
      if (failNext) {
        failNext = false;
        throw new StationError('PCSC_SERVICE_DOWN', 'down');
      }
      const context = new ScriptedContext(listener);
      contexts.push(context);
      return context;
    },
  };
  return { binding, contexts, failNextEstablish: () => (failNext = true), latest: () => contexts.at(-1) as ScriptedContext };
}

function scriptedProbe(initiallyUp: boolean) {
  let up = initiallyUp;
  const hints = new Set<() => void>();
  let probes = 0;
  const probe: ServiceProbe = {
    mechanism: { kind: 'pcscd-socket', path: '/scripted' },
    isUp: async () => {
      probes++;
      return up;
    },
    watch: (hint) => {
      hints.add(hint);
      return () => hints.delete(hint);
    },
  };
  return {
    probe,
    set: (value: boolean) => (up = value),
    hint: () => hints.forEach((hint) => hint()),
    watchers: () => hints.size,
    probes: () => probes,
  };
}

describe('createReaderMonitor', () => {
  let monitor: ReaderMonitor | null = null;
  const start = (deps: Partial<ReaderMonitorDeps> & Pick<ReaderMonitorDeps, 'binding' | 'probe'>) => {
    monitor = createReaderMonitor({ onListenerError: reportListenerErrorToStderr, now: () => NOW, retry: { initialMs: 20, maxMs: 40 }, ...deps });
    return monitor;
  };
  const up = (m: ReaderMonitor, readers: number) => waitForSnapshot(m, (s) => s.service === 'up' && s.readers.length === readers, `${readers} readers up`);

  afterEach(async () => {
    await monitor?.close();
    monitor = null;
  });

  it('lists a reader only once its state is known', async () => {
    const { binding, latest } = scriptedBinding();
    const m = start({ binding, probe: scriptedProbe(true).probe });
    await waitForSnapshot(m, (s) => s.service === 'up', 'up');
    latest().watch = (reader) => latest().watched.add(reader);
    latest().listener.readers([A]);
    expect(m.snapshot().readers).toEqual([]);
    await expect(m.reread(A)).rejects.toMatchObject({ code: 'PCSC_READER_NOT_FOUND' });
    latest().status(A, { present: true, atr: '3b00', eventCount: 5 });
    expect(m.snapshot().readers).toEqual([{ name: A, card: expect.objectContaining({ atr: '3b00', insertion: 1 }) }]);
  });

  it('keeps delivering to every listener, and keeps its own state, when one listener throws', async () => {
    const { binding, latest } = scriptedBinding();
    const m = start({ binding, probe: scriptedProbe(true).probe });
    await waitForSnapshot(m, (s) => s.service === 'up', 'up');
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const seen: number[] = [];
    m.subscribe(() => {
      throw new Error('a broken listener');
    });
    m.subscribe((s) => seen.push(s.readers.length));
    latest().listener.readers([A, B]);
    expect(seen.at(-1)).toBe(2);
    expect(m.snapshot().readers.map((r) => r.name)).toEqual([A, B]);
    expect(errors).toHaveBeenCalledWith('A reader monitor listener failed:', new Error('a broken listener'));
    errors.mockRestore();
  });

  it('starts in "starting", then lists the readers and watches each', async () => {
    const { binding, latest } = scriptedBinding();
    const m = start({ binding, probe: scriptedProbe(true).probe });
    expect(m.snapshot()).toEqual({ service: 'starting', readers: [] });
    await waitForSnapshot(m, (s) => s.service === 'up', 'up');
    latest().listener.readers([A, B]);
    expect(readersSnapshotSchema.parse(m.snapshot())).toEqual({
      service: 'up',
      readers: [
        { name: A, card: null },
        { name: B, card: null },
      ],
    });
    expect([...latest().watched]).toEqual([A, B]);
  });

  it('numbers insertions per reader, ignores in-use changes, and records the ATR before the identifier', async () => {
    const { binding, latest } = scriptedBinding();
    const m = start({ binding, probe: scriptedProbe(true).probe });
    await waitForSnapshot(m, (s) => s.service === 'up', 'up');
    latest().listener.readers([A]);
    const seen: unknown[] = [];
    m.subscribe((s) => seen.push(cardIn(s, A)?.identity ?? null));

    latest().status(A, { present: true, atr: '3b00', eventCount: 1 });
    expect(cardIn(m.snapshot(), A)).toEqual({ atr: '3b00', insertion: 1, insertedAt: NOW.toISOString(), identity: { status: 'reading' } });
    await waitForSnapshot(m, (s) => cardIn(s, A)?.identity?.status === 'read', 'identified');
    expect(cardIn(m.snapshot(), A)?.identity).toEqual({ status: 'read', identifier: { kind: 'none', value: null } });
    expect(seen).toEqual([{ status: 'reading' }, { status: 'read', identifier: { kind: 'none', value: null } }]);

    // Someone connects: same count and ATR, no new insertion and no event.
    latest().status(A, { present: true, atr: '3b00', eventCount: 1 });
    expect(seen).toHaveLength(2);
    // Removed and re-inserted between two reports: the count moved on, so it is a new insertion.
    latest().status(A, { present: true, atr: '3b00', eventCount: 3 });
    expect(cardIn(m.snapshot(), A)?.insertion).toBe(2);
    latest().status(A, { present: false, eventCount: 4 });
    expect(cardIn(m.snapshot(), A)).toBeNull();
  });

  it('leaves identity out when identification is off', async () => {
    const { binding, latest } = scriptedBinding();
    const m = start({ binding, probe: scriptedProbe(true).probe, identify: false });
    await waitForSnapshot(m, (s) => s.service === 'up', 'up');
    latest().listener.readers([A]);
    latest().status(A, { present: true, atr: '3b00', eventCount: 1 });
    expect(cardIn(m.snapshot(), A)).toEqual({ atr: '3b00', insertion: 1, insertedAt: NOW.toISOString() });
  });

  it('reports a failed read with its error code, and drops a result for a card that has gone', async () => {
    const { binding, latest } = scriptedBinding();
    const m = start({ binding, probe: scriptedProbe(true).probe });
    await waitForSnapshot(m, (s) => s.service === 'up', 'up');
    latest().listener.readers([A]);
    latest().connectImpl = async () => {
      throw new StationError('PCSC_SHARING_VIOLATION', 'busy', { pcscCode: '0x8010000b' });
    };
    latest().status(A, { present: true, atr: '3b00', eventCount: 1 });
    const failed = await waitForSnapshot(m, (s) => cardIn(s, A)?.identity?.status === 'failed', 'failure');
    expect(cardIn(failed, A)?.identity).toEqual({
      status: 'failed',
      error: { code: 'PCSC_SHARING_VIOLATION', message: 'busy', details: { pcscCode: '0x8010000b' }, params: { pcscCode: '0x8010000b' } },
    });

    let release: () => void = () => undefined;
    latest().connectImpl = (reader) => new Promise((resolve) => (release = () => resolve(plainConnection(reader))));
    latest().status(A, { present: false, eventCount: 2 });
    latest().status(A, { present: true, atr: '3b01', eventCount: 3 });
    latest().status(A, { present: false, eventCount: 4 });
    release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(cardIn(m.snapshot(), A)).toBeNull();
  });

  it('follows readers plugged in and out, and applies the name filter', async () => {
    const { binding, latest } = scriptedBinding();
    const m = start({ binding, probe: scriptedProbe(true).probe, readerFilter: { exclude: ['Windows Hello*'] } });
    await waitForSnapshot(m, (s) => s.service === 'up', 'up');
    latest().listener.readers([A, 'Windows Hello for Business 1']);
    expect(m.snapshot().readers.map((r) => r.name)).toEqual([A]);
    expect([...latest().watched]).toEqual([A]);
    latest().listener.readers([A, B]);
    expect(m.snapshot().readers.map((r) => r.name)).toEqual([A, B]);
    latest().listener.readers([B]);
    expect(m.snapshot().readers.map((r) => r.name)).toEqual([B]);
    expect([...latest().watched]).toEqual([B]);
  });

  it('does not create a context while the service is down, and connects when it comes up', async () => {
    const { binding, contexts } = scriptedBinding();
    const probe = scriptedProbe(false);
    const m = start({ binding, probe: probe.probe });
    await waitForSnapshot(m, (s) => s.service === 'down', 'down');
    expect(contexts).toHaveLength(0);
    probe.set(true);
    probe.hint();
    await waitForSnapshot(m, (s) => s.service === 'up', 'up after hint');
    expect(contexts).toHaveLength(1);
  });

  it('on a lost context reports the outage, closes it, and re-establishes with insertion numbers continuing', async () => {
    const { binding, contexts, latest } = scriptedBinding();
    const probe = scriptedProbe(true);
    const m = start({ binding, probe: probe.probe });
    await waitForSnapshot(m, (s) => s.service === 'up', 'up');
    latest().listener.readers([A]);
    latest().status(A, { present: true, atr: '3b00', eventCount: 1 });
    await waitForSnapshot(m, (s) => cardIn(s, A)?.identity?.status === 'read', 'identified');

    probe.set(false);
    const first = latest();
    first.listener.lost(new StationError('PCSC_SERVICE_DOWN', 'gone'));
    expect(m.snapshot()).toEqual({ service: 'down', readers: [] });
    expect(first.closed).toBe(true);
    // Events from the dead context are ignored.
    first.listener.readers([A, B]);
    expect(m.snapshot().readers).toEqual([]);

    // The backstop timer alone (no hint) brings it back.
    probe.set(true);
    await waitForSnapshot(m, (s) => s.service === 'up', 'recovered');
    expect(contexts).toHaveLength(2);
    latest().listener.readers([A]);
    latest().status(A, { present: true, atr: '3b00', eventCount: 1 });
    expect(cardIn(m.snapshot(), A)?.insertion).toBe(2);
  });

  it('retries when establishing fails even though the probe said up', async () => {
    const { binding, contexts, failNextEstablish } = scriptedBinding();
    failNextEstablish();
    const m = start({ binding, probe: scriptedProbe(true).probe });
    await waitForSnapshot(m, (s) => s.service === 'down', 'down after a failed establish');
    await waitForSnapshot(m, (s) => s.service === 'up', 'up on retry');
    expect(contexts).toHaveLength(1);
  });

  it('confirms an empty reader list with a probe: a stopping service can swallow its own error', async () => {
    const { binding, latest } = scriptedBinding();
    const probe = scriptedProbe(true);
    const m = start({ binding, probe: probe.probe });
    await up(m, 0);
    latest().listener.readers([A]);
    probe.set(false);
    latest().listener.readers([]);
    await waitForSnapshot(m, (s) => s.service === 'down', 'down after the check');
  });

  it('treats a socket hint while up as a possible outage', async () => {
    const { binding } = scriptedBinding();
    const probe = scriptedProbe(true);
    const m = start({ binding, probe: probe.probe });
    await waitForSnapshot(m, (s) => s.service === 'up', 'up');
    probe.hint();
    await new Promise((resolve) => setImmediate(resolve));
    expect(m.snapshot().service).toBe('up');
    probe.set(false);
    probe.hint();
    await waitForSnapshot(m, (s) => s.service === 'down', 'down');
  });

  it('close() releases the context, the watcher and the timers', async () => {
    const { binding, contexts, latest } = scriptedBinding();
    const probe = scriptedProbe(true);
    const m = start({ binding, probe: probe.probe });
    await waitForSnapshot(m, (s) => s.service === 'up', 'up');
    let events = 0;
    m.subscribe(() => events++);
    await m.close();
    expect(latest().closed).toBe(true);
    expect(probe.watchers()).toBe(0);
    latest().listener.readers([A]);
    expect(events).toBe(0);
    const probes = probe.probes();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(probe.probes()).toBe(probes);
    expect(contexts).toHaveLength(1);
  });

  it('does not probe in a tight loop while down', async () => {
    const { binding } = scriptedBinding();
    const probe = scriptedProbe(false);
    const m = start({ binding, probe: probe.probe, retry: { initialMs: 50, maxMs: 100 } });
    await waitForSnapshot(m, (s) => s.service === 'down', 'down');
    const before = probe.probes();
    await new Promise((resolve) => setTimeout(resolve, 500));
    // 50 ms, then every 100 ms: about 5 probes in half a second, never hundreds.
    expect(probe.probes() - before).toBeLessThanOrEqual(7);
  });

  it('paces its backstop probes by the probe when probing is costly (Windows starts sc.exe each time)', async () => {
    const { binding } = scriptedBinding();
    const probe = scriptedProbe(false);
    // No retry in deps: the monitor's own defaults start at 100 ms; this probe asks for 1 s.
    monitor = createReaderMonitor({
      onListenerError: reportListenerErrorToStderr,
      now: () => NOW,
      binding,
      probe: { ...probe.probe, retry: { initialMs: 1_000, maxMs: 1_000 } },
    });
    await waitForSnapshot(monitor, (s) => s.service === 'down', 'down');
    const before = probe.probes();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(probe.probes() - before).toBe(0);
  });

  it('rereads a card on demand, and refuses when there is none, or it changed during the read', async () => {
    const { binding, latest } = scriptedBinding();
    const probe = scriptedProbe(true);
    const m = start({ binding, probe: probe.probe, identify: false });
    await waitForSnapshot(m, (s) => s.service === 'up', 'up');
    latest().listener.readers([A]);
    await expect(m.reread(A)).rejects.toMatchObject({ code: 'PCSC_NO_CARD' });
    await expect(m.reread(B)).rejects.toMatchObject({ code: 'PCSC_READER_NOT_FOUND' });
    latest().status(A, { present: true, atr: '3b00', eventCount: 1 });
    expect(await m.reread(A)).toEqual({ atr: '3b00', identifier: { kind: 'none', value: null } });
    expect(cardIn(m.snapshot(), A)?.identity).toEqual({ status: 'read', identifier: { kind: 'none', value: null } });

    let release: () => void = () => undefined;
    latest().connectImpl = (reader) => new Promise((resolve) => (release = () => resolve(plainConnection(reader))));
    const reading = m.reread(A);
    latest().status(A, { present: true, atr: '3b01', eventCount: 3 });
    release();
    await expect(reading).rejects.toMatchObject({ code: 'PCSC_CARD_REMOVED' });

    probe.set(false);
    latest().listener.lost(new StationError('PCSC_SERVICE_DOWN', 'gone'));
    await expect(m.reread(A)).rejects.toMatchObject({ code: 'PCSC_SERVICE_DOWN' });
  });
});
