/**
 * The station as the crash test runs it: a real outbox and audit log on real files, sending to the
 * CM simulator through the real CM client. The parent kills it with SIGKILL at random moments.
 *
 *   station-child.ts <stateDir> <cmBaseUrl> <planCount> <work|drain> <seed>
 *
 * Lines on stdout (the parent reads only complete lines):
 *   READY <truncated outbox bytes> <truncated audit bytes>
 *   CONFIRMED <operation id> <plan key>      printed only after enqueue resolved (durable)
 *   FINAL <json list of operations>          drain mode, once nothing is pending
 */
import { userInfo } from 'node:os';
import { createAuditLog } from '../../src/main/audit';
import { createCmClient, nodeFetchTransport } from '../../src/main/cm';
import { createOutbox, outboxPortFromCmClient } from '../../src/main/outbox';
import { buildScenario, planKey, seededRandom } from './scenario';
import { reportListenerErrorToStderr } from '../../src/main/common';

const [stateDir, baseUrl, planCount, mode, seedText] = process.argv.slice(2);
if (stateDir === undefined || baseUrl === undefined || planCount === undefined || (mode !== 'work' && mode !== 'drain')) {
  process.stderr.write('usage: station-child.ts <stateDir> <cmBaseUrl> <planCount> <work|drain> <seed>\n');
  process.exit(2);
}

const random = seededRandom(Number(seedText ?? '1'));
const now = () => new Date();
const say = (line: string) => process.stdout.write(`${line}\n`);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const audit = await createAuditLog({ dir: stateDir, now });
const client = createCmClient({ baseUrl, transport: nodeFetchTransport, timeoutMs: 2_000, getRetries: 0 });
const outbox = await createOutbox({
  onListenerError: reportListenerErrorToStderr,
  dir: stateDir,
  now,
  random,
  cm: outboxPortFromCmClient(client),
  concurrency: 4,
  backoff: { baseMs: 20, maxMs: 200, jitter: 0.5 },
  audit,
  actor: userInfo().username,
  retentionDays: 365,
});
say(`READY ${outbox.recovery.truncatedTail?.droppedBytes ?? 0} ${audit.recovery.truncatedTail?.droppedBytes ?? 0}`);

if (mode === 'drain') {
  const unsettled = () => outbox.list().filter((op) => op.state === 'pending' || op.state === 'sending').length;
  while (unsettled() > 0) await outbox.replayNow();
  await outbox.close();
  await audit.close();
  // A large line may not fit the pipe at once: wait until it is handed over, then end by itself.
  await new Promise<void>((resolve) => process.stdout.write(`FINAL ${JSON.stringify(outbox.list())}\n`, () => resolve()));
} else {
  await work();
}

async function work(): Promise<void> {
  // Queue what the previous runs had not queued yet, a few at a time, while the scheduler sends.
  outbox.start();
  const queued = new Set(outbox.list().map(planKey));
  const todo = buildScenario(Number(planCount)).plan.filter((op) => !queued.has(planKey(op)));
  while (todo.length > 0) {
    const batch = todo.splice(0, 1 + Math.floor(random() * 3));
    await Promise.all(
      batch.map(async (input) => {
        const op = await outbox.enqueue(input);
        say(`CONFIRMED ${op.id} ${planKey(input)}`);
      }),
    );
    // An operator's pace, compressed: gives the kill a chance to land between and during sends.
    await pause(random() * 12);
  }
  // Everything queued: the scheduler keeps replaying; stay alive until the parent kills us.
  process.stdin.resume();
}
