/**
 * One desk issuance on the virtual YubiKey (its APDU logic behind training's simulated reader) and
 * the CM simulator (its own process, as a real CM is another machine), through the whole station:
 * capability probe, CHUID, bind, admin key, key generation, CSRs, certificatedata, writes, PIN,
 * Completed, Active. The card's and CM's own time are measured at the station's two boundaries (time
 * inside each PC/SC call: connect, transmit, disconnect; time inside each CM HTTP exchange); the rest
 * is what the station adds.
 *
 * By default the card is training's simulated reader (the virtual YubiKey's APDU logic in this
 * process: the lines other tools read); with `--pcscd` it is the real PC/SC stack a badge office has
 * (pcscd with the vpcd driver, the same virtual YubiKey in its own process, as test/integration uses
 * it), so the share is also measured with the card outside the station's process.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { nodeHttpTransport, type CmTransport } from '../src/main/cm';
import { reportListenerErrorToStderr } from '../src/main/common';
import { createConfSettingsStore, createSettingsService } from '../src/main/config';
import { call } from '../src/main/station/dispatch';
import { createPcscliteBinding, createServiceProbe, type PcscBinding, type ServiceProbe } from '../src/main/pcsc';
import { withCmUrl } from '../src/main/runtime/settings-overrides';
import { createStation, type Station } from '../src/main/station/station';
import { createSimulatedPcsc } from '../src/main/training';
import { seedGuid } from '../src/main/training/cm-sim';
import { SAMPLE_CARDS, sampleCard } from '../src/main/training/sample-cards';
import type { EventChannel, EventPayload } from '../src/shared/contract';
import { nextEvent } from '../test/support/station-events';
import { startPcscStack, VPCD_READERS } from '../test/support/pcsc-stack';
import { insertCard, type VirtualCard } from '../test/support/vcard';
import { FACTORY_YUBIKEY } from '../test/support/vcard/catalog';

/** The training directory's Enroll requests on the Staff Smart Card Logon template, each issued once. */
const REQUESTS = [seedGuid('request/enroll-alice'), '727aac22-8527-5d40-871a-ce7d6a41d750', 'a9102400-e4ca-5f8b-949d-438d3a3a55a8'];
const PIN = '86420135';

/** The simulator in a child process: prints its base URL, stops when stdin closes. */
async function startSimulator(): Promise<{ baseUrl: string; stop: () => void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', SIM_SCRIPT], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const baseUrl = await new Promise<string>((resolve) => lines.once('line', resolve));
  return { baseUrl, stop: () => child.stdin.end() };
}
const SIM_SCRIPT = `
import { startCmSimulator } from './src/main/training/cm-sim/index.ts';
const sim = await startCmSimulator({ host: '127.0.0.1', port: 0, dataFile: null });
process.stdout.write(sim.baseUrl + '\\n');
process.stdin.on('end', () => void sim.close().then(() => process.exit(0)));
process.stdin.resume();
`;

const timed = { cardMs: 0, transmits: 0, cmMs: 0, exchanges: 0, outsideMs: 0, rsaGenerateMs: 0, rsaGenerates: 0, cardCpuMs: 0 };

/**
 * A real YubiKey 5 takes seconds for an RSA-2048 GENERATE (session.ts sizes its timeout for "up to
 * about 20 s on older YubiKeys"); the virtual card takes what Node's OpenSSL takes, tens of ms. No
 * per-operation figure from Yubico was found, so the second view of the share puts an assumed
 * duration in place of each measured RSA-2048 GENERATE, and only that: every other transmit, the CM
 * exchanges and the station's own time stay as measured. BENCH_YK_RSA2048_GENERATE_MS changes it.
 */
const ASSUMED_RSA2048_GENERATE_MS = Number(process.env.BENCH_YK_RSA2048_GENERATE_MS ?? 3_000);
/** GENERATE ASYMMETRIC KEY PAIR (INS 47) with template AC { 80 07 } (RSA-2048), SP 800-73-4 part 2 3.3.2. */
const isRsa2048Generate = (apdu: Uint8Array) =>
  apdu[1] === 0x47 &&
  Buffer.from(apdu)
    .subarray(5)
    .includes(Buffer.from([0xac, 0x03, 0x80, 0x01, 0x07]));
/**
 * Calls to the card and to CM may overlap (the outbox, the connectivity probe and the issuance talk to
 * CM at once): the station's share is the time when neither is in flight, so the union is kept too.
 */
let inFlight = 0;
let outsideSince = 0;
async function outside<T>(work: () => Promise<T>, add: (ms: number) => void): Promise<T> {
  const start = performance.now();
  if (inFlight++ === 0) outsideSince = start;
  try {
    return await work();
  } finally {
    const end = performance.now();
    add(end - start);
    if (--inFlight === 0) timed.outsideMs += end - outsideSince;
  }
}

const cpuMsSince = (start: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};

/**
 * The binding, with every transmit timed (the card's own time). SCardConnect and SCardDisconnect are
 * the reader's and the card's time too (a real reader powers and resets the card): they count in the
 * union of busy time, not in the transmit figure.
 */
function timedBinding(inner: PcscBinding): PcscBinding {
  const pcscCall = <T>(work: () => Promise<T>) => outside(work, () => undefined);
  return {
    establish(listener) {
      const context = inner.establish(listener);
      return {
        ...context,
        watch: (reader) => context.watch(reader),
        unwatch: (reader) => context.unwatch(reader),
        close: () => context.close(),
        async connect(reader) {
          const connection = await pcscCall(() => context.connect(reader));
          return {
            reader: connection.reader,
            disconnect: () => pcscCall(() => connection.disconnect()),
            transmit: (apdu) =>
              outside(
                () => {
                  // On training's simulated reader the virtual card runs in this process: its CPU is
                  // the card's, not the station's (on pcscd this is the PC/SC client's, printed nowhere).
                  const cpu = process.cpuUsage();
                  return connection.transmit(apdu).finally(() => (timed.cardCpuMs += cpuMsSince(cpu)));
                },
                (ms) => {
                  timed.cardMs += ms;
                  timed.transmits++;
                  if (isRsa2048Generate(apdu)) {
                    timed.rsaGenerateMs += ms;
                    timed.rsaGenerates++;
                  }
                },
              ),
          };
        },
      };
    },
  };
}

/**
 * The CM transport, with every HTTP exchange timed (CM's own time, network included).
 * `nodeHttpTransport` resolves once the whole body has arrived, so the exchange ends there.
 */
const timedTransport: CmTransport = (url, init) =>
  outside(
    () => nodeHttpTransport(url, init),
    (ms) => {
      timed.cmMs += ms;
      timed.exchanges++;
    },
  );

/** Where the factory card is inserted, and through which PC/SC binding the station reaches it. */
interface CardPath {
  readonly reader: string;
  readonly pcsc: { binding: PcscBinding; probe: ServiceProbe };
  /** A fresh factory YubiKey in the reader. */
  insert(): Promise<void>;
  remove(): Promise<void>;
  close(): Promise<void>;
}

/** Training's simulated reader: the virtual YubiKey's APDU logic runs in this process. */
function simulatedReader(): CardPath {
  const reader = 'Bench Reader';
  const readers = createSimulatedPcsc([reader]);
  return {
    reader,
    pcsc: { binding: readers.binding, probe: readers.probe },
    insert: async () => readers.insert(reader, sampleCard(SAMPLE_CARDS.find((c) => c.id === 'yubikey-factory')!)),
    remove: async () => readers.remove(reader),
    close: async () => undefined,
  };
}

/** pcscd + vpcd (its own pcscd, in netns-run's namespaces), the virtual YubiKey in its own process. */
async function realPcscStack(): Promise<CardPath> {
  const stack = await startPcscStack();
  let card: VirtualCard | null = null;
  return {
    reader: VPCD_READERS[0].name,
    pcsc: { binding: createPcscliteBinding(), probe: createServiceProbe() },
    insert: async () => {
      card = await insertCard({ reader: 0, atr: FACTORY_YUBIKEY.atr, behaviour: FACTORY_YUBIKEY.behaviour });
    },
    remove: async () => {
      await card?.remove();
      card = null;
    },
    close: async () => {
      await card?.remove();
      await stack.dispose();
    },
  };
}

interface Bench {
  reader: string;
  station: Station;
  close(): Promise<void>;
}

/** A station of its own (fresh data folder) and a simulator of its own (cold, as at a day's start). */
async function openBench(path: CardPath): Promise<Bench> {
  const sim = await startSimulator();
  const dataDir = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'bench-issuance-'));
  const settings = createSettingsService({
    onListenerError: reportListenerErrorToStderr,
    policy: { status: 'ok', source: 'bench-policy.json', channel: 'development', values: { issueAtDesk: 'always' }, locked: ['issueAtDesk'] },
    store: createConfSettingsStore({ dataDir }),
  });
  const station = await createStation({
    version: 'bench',
    training: false,
    now: () => new Date(),
    random: Math.random,
    actor: 'bench',
    dataDir,
    defaultExportDir: join(dataDir, 'exports'),
    pcsc: { binding: timedBinding(path.pcsc.binding), probe: path.pcsc.probe },
    cmTransport: timedTransport,
    settings: withCmUrl(settings, sim.baseUrl),
    tuning: { probeIntervalMs: 60_000, getRetries: 0, issuanceActivation: { polls: 20, intervalMs: 25 } },
  });
  return {
    reader: path.reader,
    station,
    close: async () => {
      await station.close();
      sim.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * `BENCH_PROFILE=name`: a CPU profile of each measured window only (start-up left out), in
 * `name-1.cpuprofile`, `name-2.cpuprofile`… (`name-pcscd-1.cpuprofile`… on the real PC/SC stack),
 * for Chrome DevTools or any .cpuprofile reader.
 */
async function startProfile(run: string): Promise<{ stop: () => Promise<void> } | null> {
  if (!process.env.BENCH_PROFILE) return null;
  const file = `${process.env.BENCH_PROFILE}-${run}.cpuprofile`;
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  return {
    stop: async () => {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

/** What one issuance measured. */
interface Run {
  totalMs: number;
  cardMs: number;
  transmits: number;
  cmMs: number;
  exchanges: number;
  outsideMs: number;
  rsaGenerateMs: number;
  rsaGenerates: number;
  cardCpuMs: number;
  /** CPU time of this process (every thread) during the issuance. */
  cpuMs: number;
}

/**
 * Between the card read and the choice, an operator looks up the person's request and picks it:
 * seconds at a real desk. The station uses that time to load the issuance code (issuance/service.ts
 * prepare, started when a card is read). The measured window starts after it, so loading is neither
 * counted nor hidden: code loaded during the window would block the event loop while a CM exchange
 * is in flight and be counted as CM's time by the boundary measure above.
 */
const OPERATOR_LOOKS_UP_MS = 1_000;

/** A step that takes longer than this has hung (a card process or pcscd gone): the bench fails, not waits. */
const EVENT_TIMEOUT_MS = 30_000;

/** One issuance on a fresh factory YubiKey, for one Enroll request: from the choice to Active. */
async function issueOnce(path: CardPath, { reader, station }: Bench, requestId: string, profileName: string): Promise<Run> {
  const next = <E extends EventChannel>(event: E, accept: (payload: EventPayload<E>) => boolean) => nextEvent(station, event, accept, EVENT_TIMEOUT_MS);
  const read = next('enrollment.changed', (s) => s.reader === reader && s.step === 'card-read');
  await path.insert();
  await read;
  await new Promise((resolve) => setTimeout(resolve, OPERATOR_LOOKS_UP_MS));
  // Only the issuance itself is measured: from the choice (capability probe) to the card Active.
  Object.assign(timed, { cardMs: 0, transmits: 0, cmMs: 0, exchanges: 0, outsideMs: 0, rsaGenerateMs: 0, rsaGenerates: 0, cardCpuMs: 0 });
  const profiler = await startProfile(profileName);
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const pinEntry = next('issuance.changed', (s) => s.reader === reader && s.phase === 'pin-entry');
  await call(station.handlers, 'enrollment.choose', { reader, requestId, replaceSmartcardUuid: null });
  await call(station.handlers, 'enrollment.bind', { reader });
  await pinEntry;
  // The user types: not the station's time, and not counted.
  const handOver = performance.now();
  const ended = next('issuance.changed', (s) => s.reader === reader && (s.phase === 'done' || s.phase === 'failed' || s.phase === 'paused'));
  const resumed = performance.now();
  await call(station.handlers, 'issuance.submitPin', { reader, pin: PIN, confirm: PIN });
  const final = await ended;
  const totalMs = performance.now() - start - (resumed - handOver);
  const cpuMs = cpuMsSince(cpuStart);
  await profiler?.stop();
  if (final.phase !== 'done') throw new Error(`the issuance ended ${final.phase}: ${JSON.stringify(final)}`);
  const run = { totalMs, cpuMs, ...timed };
  const removed = next('enrollment.changed', (s) => s.reader === reader && s.step === 'waiting');
  await path.remove();
  await removed;
  return run;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const ownMsOf = (run: Run) => run.totalMs - run.outsideMs;
const shareOf = (run: Run) => (ownMsOf(run) / run.totalMs) * 100;
/** The same run with each RSA-2048 GENERATE taking the assumed real-device time instead of the measured one. */
const modelledTotalOf = (run: Run) => run.totalMs - run.rsaGenerateMs + run.rsaGenerates * ASSUMED_RSA2048_GENERATE_MS;

/** Three issuances on fresh factory cards in one new station: the first after start-up, then two more. */
async function measure(path: CardPath, profilePrefix: string): Promise<Run[]> {
  try {
    const bench = await openBench(path);
    try {
      const runs: Run[] = [];
      for (const [index, requestId] of REQUESTS.entries()) runs.push(await issueOnce(path, bench, requestId, `${profilePrefix}${index + 1}`));
      return runs;
    } finally {
      await bench.close();
    }
  } finally {
    await path.close();
  }
}

/** The station then issues card after card in the same process. */
function laterLine(later: Run[]): string {
  const m = (pick: (run: Run) => number) => median(later.map(pick));
  return (
    `  next ${later.length} issuances, same process (median): ${m((r) => r.totalMs).toFixed(0)} ms in total, card ${m((r) => r.cardMs).toFixed(0)} ms, ` +
    `CM ${m((r) => r.cmMs).toFixed(0)} ms, station ${m(ownMsOf).toFixed(0)} ms = ${m(shareOf).toFixed(1)} % ` +
    `(each: ${later.map((r) => shareOf(r).toFixed(1)).join(', ')} %)`
  );
}

/**
 * `--pcscd`: on the real PC/SC stack instead of training's simulated reader. Each is its own process
 * (npm run bench runs both), so each one's first issuance is a first issuance after start-up.
 */
const onRealStack = process.argv.includes('--pcscd');
const runs = onRealStack ? await measure(await realPcscStack(), 'pcscd-') : await measure(simulatedReader(), '');
const [first, ...later] = runs as [Run, ...Run[]];
if (onRealStack) {
  // The card outside the station's process, behind the PC/SC stack a badge office runs: the card's
  // figure includes pcscd's and vpcd's hops, as a real reader's include its USB link.
  console.log(
    `on the real PC/SC stack (pcscd + vpcd, the virtual YubiKey in its own process): first issuance ${first.totalMs.toFixed(0)} ms in total, ` +
      `card ${first.cardMs.toFixed(0)} ms in ${first.transmits} transmits, CM ${first.cmMs.toFixed(0)} ms, ` +
      `station ${ownMsOf(first).toFixed(0)} ms = ${shareOf(first).toFixed(1)} % (target < 10 %)`,
  );
  console.log(laterLine(later));
} else {
  // These five lines are the first issuance after start-up (an operator's first card of the day,
  // lazy loading and first compilation included); other tools read them, keep them as they are.
  console.log(`one issuance (RSA-2048, 1 certificate, virtual YubiKey + CM simulator): ${first.totalMs.toFixed(0)} ms in total`);
  console.log(`  card   ${first.cardMs.toFixed(0).padStart(6)} ms in ${first.transmits} transmits`);
  console.log(`  CM     ${first.cmMs.toFixed(0).padStart(6)} ms in ${first.exchanges} HTTP exchanges`);
  console.log(`  card or CM busy (union, overlaps counted once): ${first.outsideMs.toFixed(0)} ms`);
  console.log(`  station's own share: ${ownMsOf(first).toFixed(0)} ms = ${shareOf(first).toFixed(1)} % of the total (target < 10 %)`);
  console.log(laterLine(later));
  // Wall time on a shared machine swings with the load; CPU time much less: the station's own CPU
  // (this process, minus the virtual card's transmits) shows a change in the station's work.
  console.log(
    `  station CPU (process CPU time minus the virtual card's): first ${(first.cpuMs - first.cardCpuMs).toFixed(0)} ms, ` +
      `next ${later.length} median ${median(later.map((r) => r.cpuMs - r.cardCpuMs)).toFixed(0)} ms`,
  );
  const all = (pick: (run: Run) => number) => median(runs.map(pick));
  console.log(
    `  MODELLED, not measured: with each of the ${first.rsaGenerates} RSA-2048 GENERATE(s) at an assumed ${ASSUMED_RSA2048_GENERATE_MS} ms ` +
      `(a real YubiKey 5; measured here ${all((r) => r.rsaGenerateMs).toFixed(0)} ms), median of ${runs.length}: ` +
      `${all(modelledTotalOf).toFixed(0)} ms in total, station ${all(ownMsOf).toFixed(0)} ms = ${all((r) => (ownMsOf(r) / modelledTotalOf(r)) * 100).toFixed(1)} %`,
  );
}
process.exit(0);
