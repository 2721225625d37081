// Model-based test (fast-check) of the whole station (reader monitor + workflow + outbox + request cache), driven
// through its contract: random interleavings of card inserts, removals and swaps, the operator's
// choose / confirm / reset, and a CM that answers at once, late (held, then released in any order),
// never (held until the run ends) or not at all (down). Operator actions run in the background, so
// any event can arrive at any step. Invariants, checked throughout and at the end:
//   - nothing throws: no unhandled rejection; every refusal is a typed StationError;
//   - a bind is only ever queued for the card a confirmation re-read in that reader;
//   - never more than one bind per confirmation;
//   - every confirmation that reported a submitted bind has that bind in the outbox.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnrollmentState } from '../../../src/shared/enrollment';
import { StationError } from '../../../src/shared/errors';
import type { OutboxOperation } from '../../../src/shared/outbox';
import { type CmTransport, nodeFetchTransport } from '../../../src/main/cm';
import { createConfSettingsStore, createSettingsService, NO_POLICY } from '../../../src/main/config';
import { call } from '../../../src/main/station/dispatch';
import { createMemoryLog } from '../../../src/main/log';
import { withCmUrl } from '../../../src/main/runtime/settings-overrides';
import { createStation, type Station } from '../../../src/main/station/station';
import { startCmSimulator, type CmSimulator } from '../../../src/main/training/cm-sim';
import { createSimulatedPcsc, type SimulatedCard } from '../../../src/main/training';
import { createCardLogic } from '../../../src/main/training/virtual-card';
import { reportListenerErrorToStderr } from '../../../src/main/common';

const READERS = ['Reader A', 'Reader B'] as const;
type Reader = (typeof READERS)[number];
const GET_CHUID = '00cb3fff055c035fc102';
/** Two pairs of PIV cards; each pair shares an ATR, so a swap within a pair changes only the id. */
const CARDS = [
  { atr: '3bfd1300008131fe158073c021c057597562694b657940', guid: '11111111111111111111111111111111' },
  { atr: '3bfd1300008131fe158073c021c057597562694b657940', guid: '22222222222222222222222222222222' },
  { atr: '3b8d0180fba000000397425446590301c8', guid: '33333333333333333333333333333333' },
  { atr: '3b8d0180fba000000397425446590301c8', guid: '44444444444444444444444444444444' },
];
/** The card id the station derives from a PIV GUID (CM's GUID format). */
const cardIdOf = (guid: string) => `${guid.slice(0, 8)}-${guid.slice(8, 12)}-${guid.slice(12, 16)}-${guid.slice(16, 20)}-${guid.slice(20)}`;

type CmMode = 'instant' | 'hold' | 'down';

/** The CM transport with its latency in the test's hands: answers now, later, never, or not at all. */
function gatedTransport() {
  let mode: CmMode = 'instant';
  const held: (() => void)[] = [];
  const transport: CmTransport = async (url, init) => {
    if (mode === 'down') throw new TypeError('fetch failed');
    if (mode === 'hold') {
      await new Promise<void>((resolve, reject) => {
        held.push(resolve);
        init.signal.addEventListener('abort', () => reject(init.signal.reason as Error), { once: true });
      });
    }
    return nodeFetchTransport(url, init);
  };
  return {
    transport,
    setMode: (next: CmMode) => (mode = next),
    /** Releases held answers, picking which by `pick` (so they arrive in any order). */
    release(count: number, pick: number) {
      for (let i = 0; i < count && held.length > 0; i++) held.splice(pick % held.length, 1)[0]?.();
    },
    releaseAll: () => held.splice(0).forEach((resolve) => resolve()),
  };
}

interface Run {
  station: Station;
  pcsc: ReturnType<typeof createSimulatedPcsc>;
  cm: ReturnType<typeof gatedTransport>;
  cards: (SimulatedCard & { swapChip(): void })[];
  requestIds: string[];
  seq: number;
  /** Which card each CHUID read returned, in which reader, when. */
  reads: { seq: number; reader: string; cardId: string }[];
  confirmations: { reader: string; start: number; end: number | null; result: EnrollmentState | null }[];
  binds: { seq: number; op: OutboxOperation }[];
  pending: Promise<unknown>[];
  violations: string[];
}

/** An operator action in the background: it may resolve any time later, or refuse with a typed error. */
function background(run: Run, what: string, action: () => Promise<unknown>): Promise<unknown> {
  const promise = action().catch((err: unknown) => {
    if (!(err instanceof StationError)) run.violations.push(`${what} failed with an untyped error: ${String(err)}`);
  });
  run.pending.push(promise);
  return promise;
}

function readerOf(run: Run, card: SimulatedCard): string | null {
  for (const [reader, inside] of run.pcsc.contents()) if (inside === card) return reader;
  return null;
}

/**
 * The cards. Each card object's chip can be switched for its same-ATR partner's without any reader
 * event: what pcscd does when two cards with one ATR are swapped within one of its polls (pcsc.md).
 */
function makeCards(run: Pick<Run, 'reads'> & { seq: number; pcsc: Run['pcsc'] }): (SimulatedCard & { swapChip(): void })[] {
  return CARDS.map((_, index) => {
    let chip = index;
    let logic = createCardLogic({ kind: 'piv', guid: (CARDS[chip] as (typeof CARDS)[number]).guid });
    const card: SimulatedCard & { swapChip(): void } = {
      atr: (CARDS[index] as (typeof CARDS)[number]).atr,
      reset: () => logic.reset(),
      respond(apdu) {
        const reaction = logic.command(Buffer.from(apdu));
        const response = reaction.kind === 'answer' ? reaction.response : Buffer.from('6f00', 'hex');
        if (Buffer.from(apdu).toString('hex').startsWith(GET_CHUID)) {
          const reader = [...run.pcsc.contents()].find(([, inside]) => inside === card)?.[0];
          const guid = (CARDS[chip] as (typeof CARDS)[number]).guid;
          if (reader) run.reads.push({ seq: ++run.seq, reader, cardId: cardIdOf(guid) });
        }
        return response;
      },
      swapChip() {
        chip = chip ^ 1; // the partner with the same ATR
        logic = createCardLogic({ kind: 'piv', guid: (CARDS[chip] as (typeof CARDS)[number]).guid });
      },
    };
    return card;
  });
}

/** Whatever happened so far obeys the invariants. */
function checkInvariants(run: Run): void {
  const perConfirmation = new Map<number, number>();
  for (const { seq, op } of run.binds) {
    if (op.kind !== 'bind') continue;
    const index = run.confirmations.findIndex((c) => c.reader === op.reader && c.start < seq && (c.end === null || c.end >= seq));
    if (index === -1) {
      run.violations.push(`bind ${op.id} queued outside any confirmation in ${op.reader}`);
      continue;
    }
    perConfirmation.set(index, (perConfirmation.get(index) ?? 0) + 1);
    const start = run.confirmations[index]?.start ?? 0;
    const reread = run.reads.some((r) => r.reader === op.reader && r.cardId === op.cardId && r.seq > start && r.seq < seq);
    if (!reread) run.violations.push(`bind ${op.id} for card ${op.cardId}, which its confirmation did not read in ${op.reader}`);
  }
  for (const [index, count] of perConfirmation) {
    if (count > 1) run.violations.push(`confirmation ${index} queued ${count} binds`);
  }
}

/** How much of the interesting ground the runs covered (a generator that never binds proves nothing). */
const coverage = { runs: 0, runsWithBinds: 0, confirmations: 0, refusedConfirmations: 0, dropped: 0 };

let simulator: CmSimulator;
let requestIds: string[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  simulator = await startCmSimulator({ host: '127.0.0.1', port: 0 });
  const listed = (await (await fetch(`${simulator.baseUrl}requests?status=Approved`)).json()) as { Uuid: string }[];
  requestIds = listed.map((r) => r.Uuid).slice(0, 3);
  process.on('unhandledRejection', onUnhandled);
});

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await simulator.close();
});

async function startRun(): Promise<{ run: Run; dataDir: string; log: ReturnType<typeof createMemoryLog> }> {
  await simulator.admin.reset();
  const dataDir = mkdtempSync(join(tmpdir(), 'wf-model-'));
  const pcsc = createSimulatedPcsc(READERS);
  const cm = gatedTransport();
  const partial = { seq: 0, reads: [] as Run['reads'], pcsc };
  const cards = makeCards(partial);
  const settings = createSettingsService({ onListenerError: reportListenerErrorToStderr, policy: NO_POLICY, store: createConfSettingsStore({ dataDir }) });
  const log = createMemoryLog();
  const station = await createStation({
    version: '0.0.0-model',
    training: false,
    now: () => new Date(),
    random: Math.random,
    actor: 'model',
    dataDir,
    defaultExportDir: join(dataDir, 'exports'),
    pcsc: { binding: pcsc.binding, probe: pcsc.probe },
    cmTransport: cm.transport,
    settings: withCmUrl(settings, simulator.baseUrl),
    tuning: { probeIntervalMs: 50, backoff: { baseMs: 20, maxMs: 100, jitter: 0 }, getRetries: 0 },
    log,
  });
  const run: Run = Object.assign(partial, {
    station,
    cm,
    cards,
    requestIds,
    confirmations: [],
    binds: [],
    pending: [],
    violations: [],
  });
  const known = new Set<string>();
  station.subscribe((event, payload) => {
    if (event !== 'outbox.changed') return;
    for (const op of payload as OutboxOperation[]) {
      if (known.has(op.id)) continue;
      known.add(op.id);
      run.binds.push({ seq: ++run.seq, op });
    }
  });
  return { run, dataDir, log };
}

// --- commands -----------------------------------------------------------------------------------

type Model = Record<string, never>;
type Cmd = fc.AsyncCommand<Model, Run>;

const command = (label: string, act: (run: Run) => Promise<void> | void): Cmd => ({
  check: () => true,
  async run(_model, run) {
    await act(run);
    // Let whatever the action started take its next steps, as a real event loop would.
    await new Promise((resolve) => setImmediate(resolve));
    checkInvariants(run);
  },
  toString: () => label,
});

const reader = fc.constantFrom<Reader>(...READERS);
const cardIndex = fc.nat({ max: CARDS.length - 1 });

const insertCmd = (r: Reader, i: number) =>
  command(`insert(${r}, card ${i})`, (run) => {
    const card = run.cards[i] as SimulatedCard;
    const elsewhere = readerOf(run, card);
    if (elsewhere) run.pcsc.remove(elsewhere);
    if (run.pcsc.contents().get(r)) run.pcsc.remove(r);
    run.pcsc.insert(r, card);
  });
const removeCmd = (r: Reader) => command(`remove(${r})`, (run) => run.pcsc.remove(r));
/** Another card with the same ATR, swapped in too fast for the reader to report it. */
const silentSwapCmd = (r: Reader) =>
  command(`silent swap(${r})`, (run) => {
    const inside = run.pcsc.contents().get(r);
    run.cards.find((card) => card === inside)?.swapChip();
  });
const chooseCmd = (r: Reader, i: number) =>
  command(`choose(${r}, request ${i})`, (run) => {
    const requestId = run.requestIds[i % run.requestIds.length] as string;
    void background(run, 'choose', () => call(run.station.handlers, 'enrollment.choose', { reader: r, requestId, replaceSmartcardUuid: null }));
  });
const confirmCmd = (r: Reader) =>
  command(`confirm(${r})`, (run) => {
    const confirmation: Run['confirmations'][number] = { reader: r, start: ++run.seq, end: null, result: null };
    run.confirmations.push(confirmation);
    void background(run, 'confirm', async () => {
      try {
        confirmation.result = await call(run.station.handlers, 'enrollment.bind', { reader: r });
      } finally {
        confirmation.end = ++run.seq;
      }
    });
  });
const resetCmd = (r: Reader) =>
  command(`reset(${r})`, (run) => {
    void background(run, 'reset', () => call(run.station.handlers, 'enrollment.reset', { reader: r }));
  });
const cmModeCmd = (mode: CmMode) => command(`cm ${mode}`, (run) => void run.cm.setMode(mode));
const releaseCmd = (count: number, pick: number) => command(`release ${count} late answers (pick ${pick})`, (run) => run.cm.release(count, pick));
/** Time for the station to read a card or hear from CM (a few HTTP round trips on loopback). */
const waitCmd = command('wait', () => new Promise((resolve) => setTimeout(resolve, 10)));

/** Anything at all, at any moment. */
const noise = fc.oneof(
  fc.tuple(reader, cardIndex).map(([r, i]) => insertCmd(r, i)),
  reader.map(removeCmd),
  reader.map(silentSwapCmd),
  fc.tuple(reader, fc.nat({ max: 2 })).map(([r, i]) => chooseCmd(r, i)),
  reader.map(confirmCmd),
  reader.map(resetCmd),
  fc.constantFrom<CmMode>('instant', 'hold', 'down').map(cmModeCmd),
  fc.tuple(fc.integer({ min: 1, max: 3 }), fc.nat()).map(([count, pick]) => releaseCmd(count, pick)),
  fc.constant(waitCmd),
);

/** An operator enrolling one card, step by step, with time passing between the steps. */
const enrollment = fc
  .tuple(reader, cardIndex, fc.nat({ max: 2 }), fc.integer({ min: 1, max: 3 }))
  .map(([r, card, request, pause]) => [
    insertCmd(r, card),
    ...Array<Cmd>(pause).fill(waitCmd),
    chooseCmd(r, request),
    ...Array<Cmd>(pause).fill(waitCmd),
    confirmCmd(r),
    waitCmd,
  ]);

/**
 * A day at the desk: up to three enrollments and some noise, merged in a random order that keeps
 * each enrollment's own steps in order, so any event can land between any two of them.
 */
const scenario = fc
  .tuple(fc.array(enrollment, { maxLength: 3 }), fc.array(noise, { maxLength: 12 }), fc.array(fc.nat(), { minLength: 64, maxLength: 64 }))
  .map(([paths, extra, picks]) => {
    const queues = [...paths.map((p) => [...p]), [...extra]].filter((q) => q.length > 0);
    const merged: Cmd[] = [];
    let k = 0;
    while (queues.length > 0) {
      const index = (picks[k++ % picks.length] ?? 0) % queues.length;
      const queue = queues[index] as Cmd[];
      merged.push(queue.shift() as Cmd);
      if (queue.length === 0) queues.splice(index, 1);
    }
    return merged;
  });

describe('the station under any interleaving of cards, operator and CM (model-based)', () => {
  it('never throws, never binds an unread card, never binds twice per confirmation, loses no confirmed bind', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (cmds) => {
        const { run, dataDir, log } = await startRun();
        try {
          await fc.asyncModelRun(() => ({ model: {}, real: run }), cmds);
          // The end of the day: CM answers everything still held, every action finishes.
          run.cm.setMode('instant');
          run.cm.releaseAll();
          await Promise.all(run.pending);
          checkInvariants(run);
          const outbox = new Set((await call(run.station.handlers, 'outbox.list', {})).map((op) => op.id));
          for (const { result } of run.confirmations) {
            if (!result || !('bind' in result)) continue;
            if (!outbox.has(result.bind.operationId)) run.violations.push(`confirmed bind ${result.bind.operationId} is not in the outbox`);
          }
          expect(run.violations).toEqual([]);
          expect(unhandled).toEqual([]);
          coverage.runs++;
          if (run.binds.some(({ op }) => op.kind === 'bind')) coverage.runsWithBinds++;
          coverage.confirmations += run.confirmations.length;
          coverage.refusedConfirmations += run.confirmations.filter((c) => c.result && !('bind' in c.result)).length;
          coverage.dropped += log.entries.filter((e) => e.event === 'enrollment.event-dropped').length;
        } finally {
          run.cm.releaseAll();
          await run.station.close();
          rmSync(dataDir, { recursive: true, force: true });
        }
      }),
      { numRuns: Number(process.env.MODEL_RUNS ?? 500) },
    );
    // The runs must have reached the states worth checking: binds queued, confirmations refused,
    // stale events dropped. (Printed so a change in the generator's reach is visible.)
    console.log('model coverage', coverage);
    expect(coverage.runsWithBinds).toBeGreaterThan(coverage.runs * 0.05);
    expect(coverage.refusedConfirmations).toBeGreaterThan(0);
    expect(coverage.dropped).toBeGreaterThan(0);
  }, 600_000);
});
