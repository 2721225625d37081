import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describeBreak, verifyAuditFile } from '../audit';
import { createOsLog, healthToOsLog, type OsLogSink } from '../os-log';
import { EXIT, type ExitCode } from './exit-codes';

export interface AuditVerifyOutcome {
  exit: ExitCode;
  result: unknown;
  message: string;
}

/**
 * `npm run station -- audit verify [--data-dir DIR]`: walks the audit journal's hash chain without
 * starting the station (nothing is written) and reports the first broken link, or records cut off
 * the end (the head anchor in the data folder). Exit 0 when the chain holds, 1 when it does not (or
 * the log is missing or damaged).
 */
export function auditVerify(dataDir: string): AuditVerifyOutcome {
  const path = join(dataDir, 'audit', 'audit.journal');
  if (!existsSync(path)) {
    // An anchor is written when a log is created: with one left behind, the log was deleted.
    const anchored = existsSync(join(dataDir, 'audit.head'));
    const message = anchored
      ? `Audit gap: there is no audit log at ${path}, but its chain anchor says there was one: the log was deleted.`
      : `There is no audit log at ${path}.`;
    return { exit: EXIT.failed, result: { path, ok: false, gaps: anchored ? ['log-missing'] : [] }, message };
  }
  const report = verifyAuditFile(path, join(dataDir, 'audit.head'), existsSync(join(dataDir, 'outbox', 'outbox.journal')));
  const ok = report.firstBreak === null && report.damaged === null && report.anchor.length === 0;
  const result = { path, ok, ...report };
  if (report.damaged) return { exit: EXIT.failed, result, message: `${path}: ${report.damaged}` };
  if (report.firstBreak) {
    return { exit: EXIT.failed, result, message: `${path}: the audit chain is broken at ${describeBreak(report.firstBreak)}.` };
  }
  if (report.anchor.length > 0) return { exit: EXIT.failed, result, message: `${path}: audit gap: ${report.anchor.join('; ')}.` };
  const notes = report.notes.length ? `\nNote: ${report.notes.join('\nNote: ')}` : '';
  return {
    exit: EXIT.done,
    result,
    message: `${path}: the audit chain holds: ${report.records} records, log ${report.logId}, head ${report.head}.${notes}`,
  };
}

/**
 * `audit verify` as the CLI runs it: a gap it finds also goes to the OS log (event 150), so IT's SIEM
 * hears of it even when the station itself has not restarted since. Best-effort, like every OS log
 * write: the outcome is the same whether or not the OS log took it.
 */
export async function auditVerifyAndReport(dataDir: string, osLog: OsLogSink = createOsLog()): Promise<AuditVerifyOutcome> {
  const outcome = auditVerify(dataDir);
  const result = outcome.result as { ok?: boolean; gaps?: string[] };
  if (result.ok === false && (result.gaps?.length ?? 0) > 0) {
    for (const gap of result.gaps ?? []) {
      for (const event of healthToOsLog('audit.gap', { problem: `audit verify: ${outcome.message}`, gap })) osLog.write(event);
    }
    await osLog.flush();
  }
  return outcome;
}
