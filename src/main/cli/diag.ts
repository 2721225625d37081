// `npm run diag [-- --json]`: one look at the smart card service, readers and cards, for IT and support.
// --json prints exactly one JSON document (src/shared/diagnostics.ts); otherwise a readable summary.
// Exit 0 whenever a report was made (service down included); 1 only if the report itself failed.
//
// The PC/SC work runs in a child process. A card that never answers (mute) leaves SCardTransmit
// blocked on a libuv worker thread until the card is removed, and Node joins those threads when a
// process exits: a process that touched such a card cannot exit by itself. The parent never touches
// PC/SC, prints the child's report and ends the child.
import { fork } from 'node:child_process';
import { z } from 'zod';
import { describeServiceMechanism, diagnosticsReportSchema, type DiagnosticsReport } from '../../shared/diagnostics';
import { errorPayloadSchema, StationError, toErrorPayload, type ErrorPayload } from '../../shared/errors';
import { createCardModelMatcher, createPcscliteBinding, createServiceProbe, runDiagnostics } from '../pcsc';
import { reportFailure } from '../common';

const WORKER_ENV = 'ENROLLMENT_STATION_DIAG_WORKER';
/** runDiagnostics bounds each step (probe, reader list, each reader's status and identifier). */
const WORKER_TIMEOUT_MS = 30_000;

const workerMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('report'), report: diagnosticsReportSchema }),
  z.object({ type: z.literal('failed'), error: errorPayloadSchema }),
]);
type WorkerMessage = z.infer<typeof workerMessageSchema>;

function describe(report: DiagnosticsReport): string {
  const lines = [`Smart card service: ${report.service}`];
  if (report.mechanism) lines.push(`Service probe: ${describeServiceMechanism(report.mechanism)}`);
  if (report.service === 'up' && report.readers.length === 0) lines.push('No readers.');
  for (const reader of report.readers) {
    lines.push(`Reader: ${reader.name}`);
    const card = reader.card;
    if (!card) {
      lines.push('  no card');
      continue;
    }
    lines.push(`  ATR:        ${card.atr.replace(/(..)(?!$)/g, '$1 ')}`);
    if (card.atrInfo) {
      const contactless = card.atrInfo.contactless ? `, contactless (${card.atrInfo.contactless.cardName ?? card.atrInfo.contactless.standard})` : '';
      const tck = card.atrInfo.tck.valid === false ? ', TCK WRONG' : '';
      lines.push(`  Protocols:  ${card.atrInfo.protocols.map((t) => `T=${t}`).join(', ')}${contactless}${tck}`);
    } else {
      lines.push('  ATR is not valid ISO 7816-3');
    }
    lines.push(`  Model:      ${card.model ?? 'unknown'}`);
    lines.push(`  Identifier: ${card.identifier.kind === 'none' ? 'none' : `${card.identifier.kind} ${card.identifier.value}`}`);
    if (card.identifierError) lines.push(`  Read error: ${card.identifierError.code}: ${card.identifierError.message}`);
  }
  return lines.join('\n');
}

async function worker(): Promise<void> {
  let message: WorkerMessage;
  try {
    const report = await runDiagnostics({
      binding: createPcscliteBinding(),
      probe: createServiceProbe(),
      matcher: createCardModelMatcher(),
    });
    message = { type: 'report', report };
  } catch (err) {
    message = { type: 'failed', error: toErrorPayload(err) };
  }
  process.send?.(message, () => process.exit(0));
}

function runWorker(): Promise<DiagnosticsReport> {
  return new Promise((resolve, reject) => {
    const child = fork(process.argv[1] ?? '', [], {
      env: { ...process.env, [WORKER_ENV]: '1' },
      execArgv: process.execArgv,
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new StationError('INTERNAL', 'The smart card diagnostics did not finish in time.', { timeoutMs: WORKER_TIMEOUT_MS }));
    }, WORKER_TIMEOUT_MS);
    child.once('message', (raw) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      const parsed = workerMessageSchema.safeParse(raw);
      if (!parsed.success) reject(new StationError('INTERNAL', 'The smart card diagnostics returned an unreadable report.'));
      else if (parsed.data.type === 'failed') reject(parsed.data.error);
      else resolve(parsed.data.report);
    });
    child.once('exit', () => {
      clearTimeout(timer);
      reject(new StationError('INTERNAL', 'The smart card diagnostics ended without a report.'));
    });
  });
}

async function main(): Promise<number> {
  const json = process.argv.includes('--json');
  try {
    const report = await runWorker();
    await write(json ? `${JSON.stringify(report)}\n` : `${describe(report)}\n`);
    return 0;
  } catch (err) {
    const payload: ErrorPayload = errorPayloadSchema.safeParse(err).data ?? toErrorPayload(err);
    await write(json ? `${JSON.stringify({ error: payload })}\n` : `Diagnostics failed: ${payload.message}\n`);
    return 1;
  }
}

function write(text: string): Promise<void> {
  return new Promise((resolve) => process.stdout.write(text, () => resolve()));
}

// A failure nobody expected still ends the process with code 1, as an unhandled rejection would, but reported.
const failed = (err: unknown) => {
  reportFailure('diag')(err);
  process.exit(1);
};
if (process.env[WORKER_ENV] === '1') worker().catch(failed);
else main().then((code) => process.exit(code), failed);
