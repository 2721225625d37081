import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describeBreak, verifyAuditFile } from '../audit';
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
    return { exit: EXIT.failed, result: { path, ok: false }, message: `There is no audit log at ${path}.` };
  }
  const report = verifyAuditFile(path, join(dataDir, 'audit.head'));
  const ok = report.firstBreak === null && report.damaged === null && report.anchor.length === 0;
  const result = { path, ok, ...report };
  if (report.damaged) return { exit: EXIT.failed, result, message: `${path}: ${report.damaged}` };
  if (report.firstBreak) {
    return { exit: EXIT.failed, result, message: `${path}: the audit chain is broken at ${describeBreak(report.firstBreak)}.` };
  }
  if (report.anchor.length > 0) return { exit: EXIT.failed, result, message: `${path}: ${report.anchor.join('; ')}.` };
  const notes = report.notes.length ? `\nNote: ${report.notes.join('\nNote: ')}` : '';
  return {
    exit: EXIT.done,
    result,
    message: `${path}: the audit chain holds: ${report.records} records, log ${report.logId}, head ${report.head}.${notes}`,
  };
}
