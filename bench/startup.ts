/**
 * Start-up and size (quality.md "Performance figures"), measured side by side in one run:
 * - time to a ready station (training runtime: simulator, simulated readers, journals opened,
 *   first snapshot answered) vs a bare Node process start, median of N runs each;
 * - the renderer bundle, raw and gzip.
 *
 *   node_modules/.bin/tsx bench/startup.ts [--runs 9]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '9' } } });
const runs = Number(values.runs);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function timeProcess(args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { encoding: 'utf8', env });
  if (result.status !== 0) throw new Error(`${args.join(' ')} failed: ${result.stderr}`);
  return performance.now() - started;
}

/** A ready station's start in a data folder of its own, made before and removed after the timing. */
function timeStation(): number {
  const dir = mkdtempSync(join(tmpdir(), 'bench-start-'));
  try {
    return timeProcess(['--import', 'tsx', '--input-type=module', '-e', READY], { ...process.env, BENCH_START_DIR: dir });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const READY = `
  const { join } = await import('node:path');
  const { startStation } = await import('./src/main/runtime/index.ts');
  const { nodeStation } = await import('./src/main/cli/node-platform.ts');
  const dir = process.env.BENCH_START_DIR;
  const runtime = await startStation(nodeStation({ dataDir: dir, policy: join(dir, 'none.json'), mode: 'training' }));
  await runtime.station.handlers['station.snapshot']({});
  await runtime.close();
  process.exit(0);
`;

const bare: number[] = [];
const station: number[] = [];
for (let i = 0; i < runs; i++) {
  // Interleaved, so drift in the machine's load hits both sides alike.
  bare.push(timeProcess(['--import', 'tsx', '-e', 'process.exit(0)']));
  station.push(timeStation());
}
const b = median(bare);
const s = median(station);
console.log(`start-up: ready station ${s.toFixed(0)} ms vs bare node (same loader) ${b.toFixed(0)} ms: ratio ${(s / b).toFixed(2)} (median of ${runs})`);
console.log(`start-up: station's own share ${(s - b).toFixed(0)} ms`);

const assets = join('out', 'renderer', 'assets');
let raw = 0;
let gz = 0;
for (const file of readdirSync(assets)) {
  const path = join(assets, file);
  raw += statSync(path).size;
  gz += gzipSync(readFileSync(path)).length;
}
console.log(`renderer bundle: ${(raw / 1024).toFixed(0)} KiB raw, ${(gz / 1024).toFixed(0)} KiB gzip (${readdirSync(assets).length} files)`);

// The first screen: what index.html loads before anything is shown (its script, the chunks it
// preloads, its style sheet); the other screens' chunks load later (src/renderer/lazy-screen.tsx).
const html = readFileSync(join('out', 'renderer', 'index.html'), 'utf8');
const firstScreen = [...html.matchAll(/(?:src|href)="\.\/(assets\/[^"]+)"/g)].map((match) => join('out', 'renderer', match[1]!));
const firstGz = firstScreen.reduce((sum, path) => sum + gzipSync(readFileSync(path)).length, 0);
console.log(`renderer first screen: ${(firstGz / 1024).toFixed(0)} KiB gzip (${firstScreen.length} files; goal at most 120)`);
