// PC/SC benchmarks on the real pcscd + vpcd stack, side by side in one run:
//   1. insert -> ATR event latency: the station's reader monitor vs `pcsc_scan -n`, watching the same
//      inserts of the same virtual cards (median of N inserts each, and their ratio);
//   2. idle cost: CPU seconds used over a window by a process running only the station's monitor,
//      with two readers and one card present (pcsc_scan's own idle cost alongside, for reference).
//
//   node native/netns-run.mjs -- tsx bench/pcsc.ts [--inserts=30] [--idle-seconds=60]
import { fork, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReaderMonitor } from '../src/main/pcsc';
import { startPcscStack, VPCD_READERS } from '../test/support/pcsc-stack';
import { realReaderMonitor } from '../test/support/real-monitor';
import { PIV_CARD, PLAIN_CARD } from '../test/support/vcard/catalog';
import { insertCard } from '../test/support/vcard';
import { cardIn, waitForSnapshot } from '../test/support/wait';

const option = (name: string, fallback: number): number => {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg ? Number(arg.split('=')[1]) : fallback;
};
const INSERTS = option('inserts', 30);
const IDLE_SECONDS = option('idle-seconds', 60);
const EVENT_TIMEOUT_MS = 3_000;
const CLOCK_TICKS = 100; // USER_HZ on Linux: /proc/<pid>/stat counts CPU time in these

/** Wall-clock ms comparable with the virtual card's own `insertedAt` (also timeOrigin-based). */
const wallNow = () => performance.timeOrigin + performance.now();

/** `pcsc_scan -n` with line-buffered output; resolves insert/remove events per reader name. */
function startPcscScan() {
  const child = spawn('stdbuf', ['-oL', 'pcsc_scan', '-n'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const waiters: { reader: string; state: 'inserted' | 'removed'; resolve: (at: number) => void }[] = [];
  let text = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    const at = wallNow();
    text += chunk;
    const pattern = /Reader \d+: (.+)\n\s+Event number: \d+\n\s+Card state: Card (inserted|removed)/g;
    let match: RegExpExecArray | null;
    let consumed = 0;
    while ((match = pattern.exec(text)) !== null) {
      consumed = pattern.lastIndex;
      const index = waiters.findIndex((w) => w.reader === match?.[1] && w.state === match?.[2]);
      if (index >= 0) waiters.splice(index, 1)[0]?.resolve(at);
    }
    text = text.slice(consumed).slice(-4_096);
  });
  return {
    pid: child.pid ?? 0,
    next(reader: string, state: 'inserted' | 'removed'): Promise<number> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`pcsc_scan: no ${state} event for ${reader}`)), EVENT_TIMEOUT_MS);
        waiters.push({ reader, state, resolve: (at) => (clearTimeout(timer), resolve(at)) });
      });
    },
    stop: () => child.kill('SIGTERM'),
  };
}

function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the whole line: 12 and 13 after "pid (comm) ".
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

async function insertLatency(monitor: ReaderMonitor, scan: ReturnType<typeof startPcscScan>) {
  const station: number[] = [];
  const reference: number[] = [];
  for (let i = 0; i < INSERTS; i++) {
    const slot = (i % 2) as 0 | 1;
    const reader = VPCD_READERS[slot].name;
    const scanInserted = scan.next(reader, 'inserted');
    // The timestamp is taken inside the monitor's own listener call, i.e. when the event is delivered.
    let monitorAt = 0;
    const monitorInserted = waitForSnapshot(
      monitor,
      (s) => {
        const seen = cardIn(s, reader) !== null;
        if (seen && monitorAt === 0) monitorAt = wallNow();
        return seen;
      },
      'insert',
    );
    const card = await insertCard({ reader: slot, ...PLAIN_CARD });
    const [scanAt] = await Promise.all([scanInserted, monitorInserted]);
    station.push(monitorAt - card.insertedAt);
    reference.push(scanAt - card.insertedAt);
    const scanRemoved = scan.next(reader, 'removed');
    await card.remove();
    await Promise.all([scanRemoved, waitForSnapshot(monitor, (s) => cardIn(s, reader) === null, 'removal')]);
  }
  return { station, reference };
}

async function idleCost(scanPid: number) {
  const card = await insertCard({ reader: 0, ...PIV_CARD });
  const child = fork(join(import.meta.dirname, 'idle-monitor.ts'), ['2', '1'], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('idle monitor did not get ready')), 15_000);
    child.once('message', () => (clearTimeout(timer), resolve()));
  });
  const pid = child.pid ?? 0;
  const [monitorStart, scanStart] = [cpuSeconds(pid), cpuSeconds(scanPid)];
  await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1_000)); // the measurement window
  const [monitorUsed, scanUsed] = [cpuSeconds(pid) - monitorStart, cpuSeconds(scanPid) - scanStart];
  child.disconnect();
  await new Promise((resolve) => child.once('exit', resolve));
  await card.remove();
  return { monitorUsed, scanUsed };
}

async function main(): Promise<void> {
  const stack = await startPcscStack();
  const scan = startPcscScan();
  const monitor = realReaderMonitor({ identify: false });
  try {
    await waitForSnapshot(monitor, (s) => s.readers.length === 2, 'readers');
    const { station, reference } = await insertLatency(monitor, scan);
    const [m, r] = [median(station), median(reference)];
    console.log(`insert -> ATR event, median of ${INSERTS} inserts (ms from the card connecting to vpcd):`);
    console.log(`  station monitor ${m.toFixed(1)} (min ${Math.min(...station).toFixed(1)}, max ${Math.max(...station).toFixed(1)})`);
    console.log(`  pcsc_scan -n    ${r.toFixed(1)} (min ${Math.min(...reference).toFixed(1)}, max ${Math.max(...reference).toFixed(1)})`);
    console.log(`  ratio station / pcsc_scan = ${(m / r).toFixed(3)}`);
    await monitor.close();

    const { monitorUsed, scanUsed } = await idleCost(scan.pid);
    console.log(`idle CPU over ${IDLE_SECONDS} s, two readers, one card present:`);
    console.log(`  station monitor process ${monitorUsed.toFixed(2)} s (${((monitorUsed / IDLE_SECONDS) * 100).toFixed(3)} % of a core)`);
    console.log(`  pcsc_scan -n (reference, it animates a spinner) ${scanUsed.toFixed(2)} s`);
  } finally {
    scan.stop();
    await stack.dispose();
  }
}

await main();
