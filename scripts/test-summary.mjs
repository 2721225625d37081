#!/usr/bin/env node
// The last step of `npm test`: one closing line with the counts of every suite that ran, read from
// the runners' JSON reports (Vitest for unit, renderer and integration; Playwright for e2e), plus
// the crash test. Only reached when every suite passed (npm test chains them with &&).
import { existsSync, readFileSync } from 'node:fs';

const read = (path) => {
  if (!existsSync(path)) throw new Error(`test-summary: ${path} is missing: did that suite run?`);
  return JSON.parse(readFileSync(path, 'utf8'));
};

let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of ['artifacts/results/unit.json', 'artifacts/results/integration.json']) {
  const report = read(file);
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
}
const e2e = read('artifacts/results/e2e.json').stats;
passed += e2e.expected + e2e.flaky;
failed += e2e.unexpected;
skipped += e2e.skipped;
const crash = read('artifacts/results/crash.json');
if (crash.result === 'PASS') passed += 1;
else failed += 1;

console.log(`\nsummary: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed ? 1 : 0);
