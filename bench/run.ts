/**
 * `npm run bench`: every benchmark, one after the other (they share one machine and one pcscd).
 * Runs inside the private network namespace (see package.json) because the PC/SC benchmark drives
 * the real pcscd + vpcd stack. Figures are ratios measured side by side, never pass/fail.
 */
import { spawnSync } from 'node:child_process';

const benches: [string, string[]][] = [
  ['PC/SC: insert-to-event latency vs pcsc_scan, idle CPU', ['bench/pcsc.ts']],
  ['Outbox: durable append vs bare fsync, replay vs bare HTTP loop', ['bench/outbox.ts']],
  ['Start-up and renderer size', ['bench/startup.ts']],
  ["Desk issuance: one card end to end, the station's own share beside the card's and CM's time", ['bench/issuance.ts']],
  ['Desk issuance on the real PC/SC stack (pcscd + vpcd, the card in its own process)', ['bench/issuance.ts', '--pcscd']],
];

let failed = 0;
for (const [title, args] of benches) {
  console.log(`\n=== ${title}`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', ...args], { stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
