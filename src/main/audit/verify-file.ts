import { readFileSync } from 'node:fs';
import { readFrame } from '../journal';
import { type AuditGap, anchorProblems, isInterruptedFirstStart, missingAnchorProblem, readAnchor } from './anchor';
import { auditRecordSchema, type AuditRecord, type ChainReport, verifyChain } from './chain';

/**
 * Check an audit journal without opening it for writing (nothing is repaired or appended): frames,
 * then the records, then the chain, then (given its path) the head anchor, which catches records cut
 * off the end or a log replaced wholesale. Used by `npm run station -- audit verify`.
 */
export function verifyAuditFile(
  path: string,
  anchorPath?: string,
  /** The data folder holds other station files (the outbox journal): see isInterruptedFirstStart. */
  folderUsedBefore = true,
): ChainReport & { damaged: string | null; anchor: string[]; gaps: AuditGap['kind'][] } {
  const data = readFileSync(path);
  const records: AuditRecord[] = [];
  let offset = 0;
  let damaged: string | null = null;
  for (;;) {
    const frame = readFrame(data, offset);
    if (frame.kind === 'end') break;
    if (frame.kind !== 'frame') {
      damaged = `${frame.kind === 'torn' ? 'unfinished record' : 'damaged record'} at byte ${offset} (${frame.reason})`;
      break;
    }
    let parsed;
    try {
      parsed = auditRecordSchema.safeParse(JSON.parse(frame.payload.toString('utf8')));
    } catch {
      // Not JSON: reported below as a damaged record.
      parsed = null;
    }
    if (!parsed?.success) {
      damaged = `record ${records.length + 1} at byte ${offset} is not an audit record`;
      break;
    }
    records.push(parsed.data);
    offset = frame.next;
  }
  const report = verifyChain(records);
  const anchor = anchorPath === undefined ? null : readAnchor(anchorPath);
  // The log exists (it was just read): without its anchor, that is a gap, not a first run (unless a
  // first start was stopped before writing it).
  const anchorFindings: AuditGap[] =
    anchorPath === undefined
      ? []
      : anchor === null
        ? isInterruptedFirstStart(records.length, folderUsedBefore)
          ? []
          : [missingAnchorProblem(anchorPath, records.length)]
        : 'problem' in anchor
          ? [anchor.problem]
          : anchorProblems(records, report.logId, anchor);
  const gaps: AuditGap['kind'][] = [...(report.firstBreak ? (['chain-broken'] as const) : []), ...anchorFindings.map((gap) => gap.kind)];
  return { ...report, damaged, anchor: anchorFindings.map((gap) => gap.detail), gaps };
}
