/**
 * One desk issuance on the virtual YubiKey (its APDU logic behind training's simulated reader) and
 * the CM simulator (its own process, as a real CM is another machine), through the whole station:
 * capability probe, CHUID, bind, admin key, key generation, CSRs, certificatedata, writes, PIN,
 * Completed, Active. The card's and CM's own time are measured at the station's two boundaries (time
 * inside each card transmit, time inside each CM HTTP exchange); the rest is what the station adds.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { nodeFetchTransport, type CmTransport } from '../src/main/cm';
import { reportListenerErrorToStderr } from '../src/main/common';
import { createConfSettingsStore, createSettingsService } from '../src/main/config';
import { call } from '../src/main/station/dispatch';
import type { PcscBinding } from '../src/main/pcsc';
import { withCmUrl } from '../src/main/runtime/runtime';
import { createStation } from '../src/main/station/station';
import { createSimulatedPcsc } from '../src/main/training';
import { seedGuid } from '../src/main/training/cm-sim';
import { SAMPLE_CARDS, sampleCard } from '../src/main/training/sample-cards';
import type { EventChannel, EventPayload } from '../src/shared/contract';

const READER = 'Bench Reader';
const REQUEST = seedGuid('request/enroll-alice');
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

const timed = { cardMs: 0, transmits: 0, cmMs: 0, exchanges: 0, outsideMs: 0 };
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

/** The binding, with every transmit timed (the card's own time). */
function timedBinding(inner: PcscBinding): PcscBinding {
  return {
    establish(listener) {
      const context = inner.establish(listener);
      return {
        ...context,
        watch: (reader) => context.watch(reader),
        unwatch: (reader) => context.unwatch(reader),
        close: () => context.close(),
        async connect(reader) {
          const connection = await context.connect(reader);
          return {
            reader: connection.reader,
            disconnect: () => connection.disconnect(),
            transmit: (apdu) =>
              outside(
                () => connection.transmit(apdu),
                (ms) => {
                  timed.cardMs += ms;
                  timed.transmits++;
                },
              ),
          };
        },
      };
    },
  };
}

/** The CM transport, with every HTTP exchange timed (CM's own time, network included). */
const timedTransport: CmTransport = (url, init) =>
  outside(
    () => nodeFetchTransport(url, init),
    (ms) => {
      timed.cmMs += ms;
      timed.exchanges++;
    },
  );

const sim = await startSimulator();
const dataDir = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'bench-issuance-'));
const readers = createSimulatedPcsc([READER]);
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
  pcsc: { binding: timedBinding(readers.binding), probe: readers.probe },
  cmTransport: timedTransport,
  settings: withCmUrl(settings, sim.baseUrl),
  tuning: { probeIntervalMs: 60_000, getRetries: 0, issuanceActivation: { polls: 20, intervalMs: 25 } },
});

function next<E extends EventChannel>(event: E, accept: (payload: EventPayload<E>) => boolean): Promise<EventPayload<E>> {
  return new Promise((resolve) => {
    const stop = station.subscribe((name, payload) => {
      if ((name as string) !== event || !accept(payload as unknown as EventPayload<E>)) return;
      stop();
      resolve(payload as unknown as EventPayload<E>);
    });
  });
}

try {
  const read = next('enrollment.changed', (s) => s.reader === READER && s.step === 'card-read');
  readers.insert(READER, sampleCard(SAMPLE_CARDS.find((c) => c.id === 'yubikey-factory')!));
  await read;
  // Only the issuance itself is measured: from the choice (capability probe) to the card Active.
  Object.assign(timed, { cardMs: 0, transmits: 0, cmMs: 0, exchanges: 0, outsideMs: 0 });
  const start = performance.now();
  const pinEntry = next('issuance.changed', (s) => s.reader === READER && s.phase === 'pin-entry');
  await call(station.handlers, 'enrollment.choose', { reader: READER, requestId: REQUEST, replaceSmartcardUuid: null });
  await call(station.handlers, 'enrollment.bind', { reader: READER });
  await pinEntry;
  // The user types: not the station's time, and not counted.
  const handOver = performance.now();
  const ended = next('issuance.changed', (s) => s.reader === READER && (s.phase === 'done' || s.phase === 'failed' || s.phase === 'paused'));
  const resumed = performance.now();
  await call(station.handlers, 'issuance.submitPin', { reader: READER, pin: PIN, confirm: PIN });
  const final = await ended;
  const totalMs = performance.now() - start - (resumed - handOver);
  if (final.phase !== 'done') throw new Error(`the issuance ended ${final.phase}: ${JSON.stringify(final)}`);
  const ownMs = totalMs - timed.outsideMs;
  const share = (ownMs / totalMs) * 100;
  console.log(`one issuance (RSA-2048, 1 certificate, virtual YubiKey + CM simulator): ${totalMs.toFixed(0)} ms in total`);
  console.log(`  card   ${timed.cardMs.toFixed(0).padStart(6)} ms in ${timed.transmits} transmits`);
  console.log(`  CM     ${timed.cmMs.toFixed(0).padStart(6)} ms in ${timed.exchanges} HTTP exchanges`);
  console.log(`  card or CM busy (union, overlaps counted once): ${timed.outsideMs.toFixed(0)} ms`);
  console.log(`  station's own share: ${ownMs.toFixed(0)} ms = ${share.toFixed(1)} % of the total (target < 10 %)`);
} finally {
  await station.close();
  sim.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(0);
