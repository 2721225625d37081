import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import type { AuditGapKind } from '../../shared/diagnostics';
import type { AuditRecord } from './chain';

/** One finding about the audit trail: its kind (worded on Diagnostics) and the details for IT. */
export interface AuditGap {
  readonly kind: AuditGapKind;
  readonly detail: string;
}

/**
 * The chain head anchor: the log id, record count and head hash last known to be on disk, kept
 * where deleting or truncating the audit log does not take it along (the station's data folder).
 */
export const anchorSchema = z.strictObject({ logId: z.uuid(), records: z.number().int().positive(), head: z.string() });
export type Anchor = z.infer<typeof anchorSchema>;

export function readAnchor(path: string): Anchor | { problem: AuditGap } | null {
  if (!existsSync(path)) return null;
  try {
    const parsed = anchorSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    return parsed.success ? parsed.data : { problem: { kind: 'anchor-unreadable', detail: `the chain anchor ${path} is damaged` } };
  } catch {
    // The problem is returned and shown as an audit-trail gap (Diagnostics, log at start).
    return { problem: { kind: 'anchor-unreadable', detail: `the chain anchor ${path} cannot be read` } };
  }
}

/**
 * An anchor is written when a log is created (right after its genesis record), so only a data
 * folder that never held an audit log has neither. A log without its anchor is a gap (whoever
 * deleted the anchor may have cut records off the end), with one exception: a log holding nothing
 * but (at most) its genesis, in a folder the station never used otherwise, is a first start that was
 * stopped before its anchor was written (a kill in that moment must not read as tampering).
 */
export function isInterruptedFirstStart(logRecords: number, folderUsedBefore: boolean): boolean {
  return logRecords <= 1 && !folderUsedBefore;
}

export function missingAnchorProblem(anchorPath: string, logRecords: number): AuditGap {
  return {
    kind: 'anchor-missing',
    detail: `the chain anchor ${anchorPath} is missing although the audit log exists (${logRecords} records): it was deleted, so records cut off the end cannot be ruled out`,
  };
}

/** How the records on disk compare with the anchor left by the last run (the tail, the log itself). */
export function anchorProblems(records: readonly AuditRecord[], logId: string | null, anchor: Anchor): AuditGap[] {
  const missing = `the last known log ${anchor.logId} had ${anchor.records} records ending with ${anchor.head}`;
  if (records.length === 0) return [{ kind: 'log-missing', detail: `the audit log was missing or emptied: ${missing}` }];
  if (logId !== anchor.logId) return [{ kind: 'log-replaced', detail: `the audit log was replaced by another log: ${missing}` }];
  const atAnchor = records[anchor.records - 1];
  if (records.length < anchor.records || atAnchor?.hash !== anchor.head) {
    return [{ kind: 'tail-cut', detail: `records were removed from the end of the audit log: ${missing}; ${records.length} remain` }];
  }
  return [];
}
