import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import type { AuditRecord } from './chain';

/**
 * The chain head anchor: the log id, record count and head hash last known to be on disk, kept
 * where deleting or truncating the audit log does not take it along (the station's data folder).
 */
export const anchorSchema = z.strictObject({ logId: z.uuid(), records: z.number().int().positive(), head: z.string() });
export type Anchor = z.infer<typeof anchorSchema>;

export function readAnchor(path: string): Anchor | { problem: string } | null {
  if (!existsSync(path)) return null;
  try {
    const parsed = anchorSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    return parsed.success ? parsed.data : { problem: `the chain anchor ${path} is damaged` };
  } catch {
    // The problem is returned and shown as an audit-trail gap (Diagnostics, log at start).
    return { problem: `the chain anchor ${path} cannot be read` };
  }
}

/** How the records on disk compare with the anchor left by the last run (the tail, the log itself). */
export function anchorProblems(records: readonly AuditRecord[], logId: string | null, anchor: Anchor): string[] {
  const missing = `the last known log ${anchor.logId} had ${anchor.records} records ending with ${anchor.head}`;
  if (records.length === 0) return [`the audit log was missing or emptied: ${missing}`];
  if (logId !== anchor.logId) return [`the audit log was replaced by another log: ${missing}`];
  const atAnchor = records[anchor.records - 1];
  if (records.length < anchor.records || atAnchor?.hash !== anchor.head) {
    return [`records were removed from the end of the audit log: ${missing}; ${records.length} remain`];
  }
  return [];
}

