/**
 * Crash durability (quality.md, "Reliability figures"): kill the station with SIGKILL at random
 * moments while it queues and replays operations against the CM simulator, many times over, then
 * let a last run drain the outbox and check:
 *   - every operation whose enqueue was confirmed is in the outbox exactly once, and done;
 *   - the simulator received at most one bind (POST /smartcards) per card, and every confirmed bind
 *     is bound there to its request (every confirmed retire: the card is Retired);
 *   - the audit log opens cleanly, its hash chain and head anchor hold, and it records each
 *     confirmed operation as queued and done.
 *
 *   tsx test/crash/crash-test.ts [--kills 200] [--requests 1500] [--seed N] [--keep]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createAuditLog } from '../../src/main/audit';
import { startCmSimulator, type FaultRule, type RecordedRequest } from '../../src/main/training/cm-sim';
import { outboxListSchema, type OutboxOperation } from '../../src/shared/outbox';
import { buildScenario, planKey, seededRandom } from './scenario';

const { values: args } = parseArgs({
  options: {
    kills: { type: 'string', default: '200' },
    requests: { type: 'string', default: '1500' },
    seed: { type: 'string', default: String(Date.now() % 1_000_000) },
    keep: { type: 'boolean', default: false },
    /** Also write the figures as JSON (npm test's closing summary reads it). */
    report: { type: 'string' },
  },
});
const EMPTY_GUID = '00000000-0000-0000-0000-000000000000';
/** Smart card Status 6 after a retire (MIMDocs/reference/update-smartcard-status.md example). */
const RETIRED = 6;
const targetKills = Number(args.kills);
const requestCount = Number(args.requests);
const seed = Number(args.seed);

const here = dirname(fileURLToPath(import.meta.url));
const projectRoot = join(here, '..', '..');
const childScript = join(here, 'station-child.ts');

const random = seededRandom(seed);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface ChildRun {
  child: ChildProcess;
  lines: string[];
  /** Resolves at READY, or when the child exits first. */
  ready: Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr: () => string;
}

function startChild(stateDir: string, baseUrl: string, mode: 'work' | 'drain', childSeed: number): ChildRun {
  const child = spawn(process.execPath, ['--import', 'tsx', childScript, stateDir, baseUrl, String(requestCount), mode, String(childSeed)], {
    cwd: projectRoot,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    partial += chunk;
    const complete = partial.split('\n');
    partial = complete.pop() ?? '';
    for (const line of complete) {
      lines.push(line);
      if (line.startsWith('READY')) markReady();
    }
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      markReady();
      resolve({ code, signal });
    }),
  );
  return { child, lines, ready, exited, stderr: () => stderr };
}

/** Transient CM faults that never make a second POST for a card legitimate. */
function faultsForRun(): FaultRule[] {
  const rules: FaultRule[] = [];
  if (random() < 0.5) rules.push({ fault: { kind: 'latency', ms: 5 + Math.floor(random() * 25) }, times: 20 });
  // CM binds, the answer is lost: the station must settle it by lookup.
  if (random() < 0.3) rules.push({ fault: { kind: 'connection-reset' }, route: 'POST /smartcards', when: 'after', times: 1 });
  if (random() < 0.2) rules.push({ fault: { kind: 'server-error' }, route: 'POST /smartcards', when: 'after', times: 1 });
  if (random() < 0.2) rules.push({ fault: { kind: 'connection-reset' }, route: 'PUT /requests/{id}/smartcards/{id}', when: 'after', times: 1 });
  if (random() < 0.1) rules.push({ fault: { kind: 'server-error' }, route: 'GET /smartcards', times: 2 });
  return rules;
}

const scenario = buildScenario(requestCount);
/** Physical cards with an earlier, Retired life in CM (their lookup finds that record first). */
const reusedSerials = new Set(scenario.seed.smartcards.filter((c) => c.Status === RETIRED).map((c) => c.SerialNumber.toLowerCase()));
const sim = await startCmSimulator({ host: '127.0.0.1', seed: scenario.seed, dataFile: null });
const stateDir = mkdtempSync(join(tmpdir(), 'station-crash-'));
const received: RecordedRequest[] = [];
const confirmed = new Map<string, string>();
const failures: string[] = [];
let kills = 0;
const otherSignals: string[] = [];
let killsBeforeReady = 0;
let runs = 0;
let repairs = 0;
let startupMs = 400;
const started = Date.now();

console.log(`crash test: ${targetKills} kills, ${scenario.plan.length} planned operations, seed ${seed}, state in ${stateDir}`);

while (kills < targetKills) {
  runs++;
  sim.admin.setFaults(faultsForRun());
  const spawnedAt = Date.now();
  const run = startChild(stateDir, sim.baseUrl, 'work', seed + runs);
  // One kill in ten lands during start-up (open, recovery, compaction), the rest while working.
  if (random() < 0.1) {
    await sleep(random() * startupMs);
  } else {
    await run.ready;
    startupMs = 0.8 * startupMs + 0.2 * (Date.now() - spawnedAt);
    await sleep(random() * 150);
  }
  const wasReady = run.lines.some((line) => line.startsWith('READY'));
  run.child.kill('SIGKILL');
  const { signal, code } = await run.exited;
  if (signal === 'SIGKILL') {
    kills++;
    if (!wasReady) killsBeforeReady++;
  } else if (signal !== null) {
    // Not ours (another process, or the child itself aborting): one more crash the outbox must survive.
    otherSignals.push(`${signal}: ${run.stderr().slice(0, 300)}`);
  } else {
    failures.push(`run ${runs} ended by itself (code ${code}): ${run.stderr().slice(0, 2000)}`);
    break;
  }
  for (const line of run.lines) {
    const [tag, id, ...key] = line.split(' ');
    if (tag === 'CONFIRMED' && id !== undefined) confirmed.set(id, key.join(' '));
    if (tag === 'READY' && (id !== '0' || key[0] !== '0')) repairs++;
  }
  received.push(...sim.admin.received());
  sim.admin.clearReceived();
  if (kills % 25 === 0) console.log(`  ${kills} kills, ${confirmed.size} operations confirmed`);
}

// The last run: CM healthy, nothing new queued, replay until every operation is settled.
sim.admin.clearFaults();
const drain = startChild(stateDir, sim.baseUrl, 'drain', seed);
const drained = await drain.exited;
received.push(...sim.admin.received());
const finalLine = drain.lines.find((line) => line.startsWith('FINAL '));
let finalOps: OutboxOperation[] = [];
if (drained.code !== 0 || finalLine === undefined) {
  failures.push(`the drain run failed (code ${drained.code}): ${drain.stderr().slice(0, 2000)}`);
} else {
  finalOps = outboxListSchema.parse(JSON.parse(finalLine.slice('FINAL '.length)));
}

// 1. Every confirmed operation exactly once in the outbox, and done; no plan item queued twice.
const byId = new Map(finalOps.map((op) => [op.id, op]));
const keyCounts = new Map<string, number>();
for (const op of finalOps) keyCounts.set(planKey(op), (keyCounts.get(planKey(op)) ?? 0) + 1);
for (const [id, key] of confirmed) {
  const op = byId.get(id);
  if (op === undefined) failures.push(`confirmed ${key} (${id}) is missing from the outbox`);
  else if (planKey(op) !== key) failures.push(`confirmed ${id} is ${planKey(op)} in the outbox, not ${key}`);
}
const duplicatedInOutbox = [...keyCounts].filter(([, n]) => n > 1);
for (const [key, n] of duplicatedInOutbox) failures.push(`${key} is in the outbox ${n} times`);
const notDone = finalOps.filter((op) => op.state !== 'done');
for (const op of notDone) failures.push(`${planKey(op)} ended ${op.state}: ${op.lastError?.code ?? ''} ${op.lastError?.message ?? ''}`);

// 2. The simulator's own record: at most one POST per card.
const posts = received.filter((r) => r.method === 'POST' && /\/smartcards\/?(?:\?|$)/i.test(r.path));
const postsPerCard = new Map<string, number>();
for (const post of posts) {
  const cardId = String((JSON.parse(post.body) as { cardid?: unknown }).cardid);
  postsPerCard.set(cardId, (postsPerCard.get(cardId) ?? 0) + 1);
}
const duplicatePosts = [...postsPerCard].filter(([, n]) => n > 1);
for (const [cardId, n] of duplicatePosts) failures.push(`the simulator received ${n} binds for card ${cardId}`);

// 3. CM's state agrees with the outbox.
const state = sim.admin.state();
for (const [id] of confirmed) {
  const op = byId.get(id);
  if (op === undefined || op.state !== 'done') continue;
  if (op.kind === 'bind') {
    // A re-used card has a Retired record from an earlier life: the bind is the live one.
    const card = state.smartcards.find((c) => c.SerialNumber.toLowerCase() === `{${op.cardId}}` && c.Status !== RETIRED);
    if (op.result !== null && state.smartcards.some((c) => c.Uuid === op.result?.smartcardUuid && c.Status === RETIRED)) {
      failures.push(`bind of ${op.cardId} was settled by a Retired record of an earlier life`);
    }
    const request = state.requests.find((r) => r.Uuid === op.requestId);
    if (card === undefined) failures.push(`confirmed bind of ${op.cardId} is not bound in the simulator`);
    else if (request?.NewSmartcardUuid !== card.Uuid || op.result?.smartcardUuid !== card.Uuid) {
      failures.push(
        `bind of ${op.cardId}: simulator card ${card.Uuid}, request has ${request?.NewSmartcardUuid ?? EMPTY_GUID}, outbox has ${op.result?.smartcardUuid ?? 'none'}`,
      );
    }
  } else {
    const card = state.smartcards.find((c) => c.Uuid === op.smartcardUuid);
    if (card?.Status !== RETIRED) failures.push(`confirmed retire of ${op.smartcardUuid} did not retire it`);
  }
}

// 4. The audit log survived every kill and has each confirmed operation queued and done.
let auditEntries = 0;
let settledByLookup = 0;
try {
  const audit = await createAuditLog({ dir: stateDir, now: () => new Date() });
  const entries = audit.query({});
  auditEntries = entries.length;
  // No kill may leave a gap in the hash chain: every link and the head anchor match what is on disk.
  for (const problem of audit.integrity().problems) failures.push(`audit chain: ${problem}`);
  settledByLookup = entries.filter((e) => e.action === 'bind.done' && e.message !== null).length;
  for (const [id] of confirmed) {
    const op = byId.get(id);
    if (op === undefined) continue;
    const mine = entries.filter((e) => e.requestId === op.requestId && (op.kind === 'bind' ? e.cardId === op.cardId : e.smartcardUuid === op.smartcardUuid));
    for (const action of [`${op.kind}.queued`, `${op.kind}.done`]) {
      if (!mine.some((e) => e.action === action)) failures.push(`audit has no ${action} for ${planKey(op)}`);
    }
  }
  await audit.close();
} catch (err) {
  failures.push(`the audit log did not open: ${String(err)}`);
}

await sim.close();
console.log(
  [
    '',
    `kills:                         ${kills} (${killsBeforeReady} during start-up) in ${runs} runs, ${((Date.now() - started) / 1000).toFixed(1)} s`,
    `ended by another signal:       ${otherSignals.length}${otherSignals.length === 0 ? '' : ` (${otherSignals.join('; ')})`}`,
    `operations confirmed:          ${confirmed.size} (in outbox at the end: ${finalOps.length}, done: ${finalOps.length - notDone.length})`,
    `unfinished appends cut at open: ${repairs}`,
    `binds received by CM:          ${posts.length} for ${postsPerCard.size} cards (${[...postsPerCard.keys()].filter((id) => reusedSerials.has(`{${id.toLowerCase()}}`)).length} of them re-used cards)`,
    `binds settled by lookup:       ${settledByLookup} (outcome unknown after a crash or lost answer; not resent)`,
    `duplicate binds found:         ${duplicatePosts.length}`,
    `duplicates in outbox:          ${duplicatedInOutbox.length}`,
    `audit entries:                 ${auditEntries}`,
    failures.length === 0 ? 'RESULT: PASS' : `RESULT: FAIL (${failures.length} problems)`,
    ...failures.slice(0, 30).map((f) => `  - ${f}`),
  ].join('\n'),
);
if (args.report) {
  mkdirSync(dirname(args.report), { recursive: true });
  const figures = { kills, runs, confirmed: confirmed.size, bindsReceived: posts.length, settledByLookup, duplicateBinds: duplicatePosts.length };
  writeFileSync(args.report, JSON.stringify({ result: failures.length === 0 ? 'PASS' : 'FAIL', ...figures, failures }));
}
if (args.keep || failures.length > 0) console.log(`state kept in ${stateDir}`);
else rmSync(stateDir, { recursive: true, force: true });
process.exit(failures.length === 0 ? 0 : 1);
