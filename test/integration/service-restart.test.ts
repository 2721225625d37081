// pcscd stopped (SIGTERM) and killed (SIGKILL) while the monitor watches: it reports the outage,
// recovers by itself within 2 s of the service returning, and leaks neither contexts nor handles.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPcscdSocketProbe, createPcscliteBinding, createReaderMonitor, type PcscliteBinding, type ReaderMonitor } from '../../src/main/pcsc';
import { attachPcscStack, VPCD_READERS, type PcscStack } from '../support/pcsc-stack';
import { openFdCountAfterGc } from '../support/process-handles';
import { PIV_CARD, PIV_CARD_CM_GUID } from '../support/vcard/catalog';
import { insertCard, type VirtualCard } from '../support/vcard';
import { cardIn, waitForSnapshot } from '../support/wait';
import { reportListenerErrorToStderr } from '../../src/main/common';

const CYCLES = 20;
const READER0 = VPCD_READERS[0].name;

describe('pcscd restarts while monitoring', () => {
  let stack: PcscStack;
  let binding: PcscliteBinding;
  let monitor: ReaderMonitor;
  let card: VirtualCard;

  beforeAll(async () => {
    stack = await attachPcscStack();
    binding = createPcscliteBinding();
    monitor = createReaderMonitor({ onListenerError: reportListenerErrorToStderr, binding, probe: createPcscdSocketProbe(), now: () => new Date() });
    // The card stays in its reader across restarts (the virtual card reconnects to vpcd).
    card = await insertCard({ reader: 0, ...PIV_CARD });
  });

  afterAll(async () => {
    await card.remove();
    await monitor.close();
    // Leave a running pcscd for the next file.
    if (stack.pid === null) await stack.start();
  });

  it(`reports each outage and recovers within 2 s, ${CYCLES} times, without leaks`, { timeout: 180_000 }, async () => {
    const ready = (s: ReturnType<ReaderMonitor['snapshot']>) => s.service === 'up' && s.readers.length === 2 && cardIn(s, READER0)?.identity?.status === 'read';
    await waitForSnapshot(monitor, ready, 'initial readers and card');
    const fdsBefore = await openFdCountAfterGc();
    const heapBefore = process.memoryUsage().heapUsed;
    const readersUp: number[] = [];
    const cardBack: number[] = [];

    for (let cycle = 0; cycle < CYCLES; cycle++) {
      if (cycle % 2 === 0) await stack.kill();
      else await stack.stop();
      const down = await waitForSnapshot(monitor, (s) => s.service === 'down', `outage ${cycle}`);
      expect(down.readers).toEqual([]);

      await stack.start();
      const serviceBack = performance.now();
      await waitForSnapshot(monitor, (s) => s.service === 'up' && s.readers.length === 2, `readers after restart ${cycle}`);
      readersUp.push(performance.now() - serviceBack);
      const back = await waitForSnapshot(monitor, ready, `card after restart ${cycle}`);
      cardBack.push(performance.now() - serviceBack);
      expect(cardIn(back, READER0)?.identity).toEqual({ status: 'read', identifier: { kind: 'piv-guid', value: PIV_CARD_CM_GUID } });
    }

    const fdsAfter = await openFdCountAfterGc();
    const heapAfter = process.memoryUsage().heapUsed;
    console.info(
      `service restarts: readers back after max ${Math.max(...readersUp).toFixed(0)} ms (median ${median(readersUp).toFixed(0)}), ` +
        `card identified after max ${Math.max(...cardBack).toFixed(0)} ms; fds ${fdsBefore} -> ${fdsAfter}; ` +
        `heap ${(heapBefore / 1e6).toFixed(1)} -> ${(heapAfter / 1e6).toFixed(1)} MB; ${JSON.stringify(binding.stats())}`,
    );
    expect(Math.max(...readersUp)).toBeLessThan(2_000);
    expect(Math.max(...cardBack)).toBeLessThan(2_000);
    expect(binding.stats()).toEqual({ contexts: 1, watchers: 2 });
    // Exactly as many as before: one live context, two watchers, one card connector.
    expect(fdsAfter).toBeLessThanOrEqual(fdsBefore);
    expect(heapAfter - heapBefore).toBeLessThan(5 * 1024 * 1024);
  });

  it('does not spin while the service is down', { timeout: 20_000 }, async () => {
    await stack.stop();
    await waitForSnapshot(monitor, (s) => s.service === 'down', 'outage');
    // A measurement window, not a wait for an event: CPU used by this process while pcscd is away.
    const before = process.cpuUsage();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const used = process.cpuUsage(before);
    expect((used.user + used.system) / 1e6).toBeLessThan(0.2);
    await stack.start();
    await waitForSnapshot(monitor, (s) => s.service === 'up' && s.readers.length === 2, 'recovery');
  });
});

describe('pcscd restarts without directory-change hints', () => {
  it('still recovers within 2 s on its backstop timer', { timeout: 60_000 }, async () => {
    const stack = await attachPcscStack();
    const socketProbe = createPcscdSocketProbe();
    // As on a system where the socket directory cannot be watched: only the retry timer is left.
    const probe = { mechanism: socketProbe.mechanism, isUp: () => socketProbe.isUp(), watch: () => () => undefined };
    const monitor = createReaderMonitor({
      onListenerError: reportListenerErrorToStderr,
      binding: createPcscliteBinding(),
      probe,
      now: () => new Date(),
      identify: false,
    });
    try {
      await waitForSnapshot(monitor, (s) => s.service === 'up' && s.readers.length === 2, 'readers');
      for (let cycle = 0; cycle < 3; cycle++) {
        await stack.stop();
        await waitForSnapshot(monitor, (s) => s.service === 'down', 'outage');
        // Long enough for the back-off to reach its ceiling.
        await waitForSnapshot(monitor, () => false, 'nothing', 2_500).catch(() => undefined);
        await stack.start();
        const back = performance.now();
        await waitForSnapshot(monitor, (s) => s.service === 'up' && s.readers.length === 2, 'recovery');
        expect(performance.now() - back).toBeLessThan(2_000);
      }
    } finally {
      await monitor.close();
      if (stack.pid === null) await stack.start();
    }
  });
});

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}
