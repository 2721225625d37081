import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AUDIT_COLUMNS, type AuditEntry, auditEntrySchema } from '../../shared/audit';

/**
 * The audit trail as a hash chain (tamper evidence, not secrecy): each log starts with a genesis
 * record carrying a random log id, and every entry carries the SHA-256 of the record before it and
 * its own. Editing an entry breaks its own hash; deleting or re-ordering entries breaks the next
 * entry's link; cutting the end off is caught by the head anchor (audit-log.ts) and by the chain
 * heads printed in every CSV export. The hash is unkeyed: someone who can rewrite the whole file
 * can rebuild a consistent chain, which the anchor and earlier exports' heads then contradict.
 */
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

export const genesisRecordSchema = z.strictObject({
  kind: z.literal('genesis'),
  logId: z.uuid(),
  at: z.iso.datetime(),
  /** Why this log started: a first start, or a gap found where an earlier log should have been. */
  note: z.string().nullable(),
  hash: sha256Hex,
});
export const entryRecordSchema = z.strictObject({
  kind: z.literal('entry'),
  entry: auditEntrySchema,
  prev: sha256Hex,
  hash: sha256Hex,
});
export const auditRecordSchema = z.discriminatedUnion('kind', [genesisRecordSchema, entryRecordSchema]);
export type GenesisRecord = z.infer<typeof genesisRecordSchema>;
export type EntryRecord = z.infer<typeof entryRecordSchema>;
export type AuditRecord = z.infer<typeof auditRecordSchema>;

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The entry's fields in one fixed order, so the same entry always hashes the same. */
function canonicalEntry(entry: AuditEntry): string {
  return JSON.stringify(AUDIT_COLUMNS.map((column) => entry[column]));
}

export function genesisHash(genesis: Omit<GenesisRecord, 'hash' | 'kind'>): string {
  return sha256(`enrollment-station audit genesis\n${JSON.stringify([genesis.logId, genesis.at, genesis.note])}`);
}

export function entryHash(prev: string, entry: AuditEntry): string {
  return sha256(`${prev}\n${canonicalEntry(entry)}`);
}

export function makeGenesis(logId: string, at: string, note: string | null): GenesisRecord {
  return { kind: 'genesis', logId, at, note, hash: genesisHash({ logId, at, note }) };
}

export function chainEntry(prev: string, entry: AuditEntry): EntryRecord {
  return { kind: 'entry', entry, prev, hash: entryHash(prev, entry) };
}

export interface ChainBreak {
  /** Position of the first record whose link does not hold (0 = the first record). */
  index: number;
  /** The entry's id, when the record is an entry. */
  entryId: string | null;
  reason: string;
}

export interface ChainReport {
  logId: string | null;
  /** Records, the genesis included. */
  records: number;
  /** The last record's hash: what an auditor keeps to prove later that nothing was cut off. */
  head: string | null;
  /** Notes of genesis records (a log restarted after a gap says so in its note). */
  notes: string[];
  firstBreak: ChainBreak | null;
}

/** Walk the chain and report the first link that does not hold. */
export function verifyChain(records: readonly AuditRecord[]): ChainReport {
  const report: ChainReport = { logId: null, records: records.length, head: null, notes: [], firstBreak: null };
  let prev: string | null = null;
  records.forEach((record, index) => {
    if (report.firstBreak) return;
    const broken = (reason: string) => {
      report.firstBreak = { index, entryId: record.kind === 'entry' ? record.entry.id : null, reason };
    };
    if (record.kind === 'genesis') {
      if (index !== 0) return broken('a genesis record in the middle of the log: records before it were replaced');
      if (genesisHash(record) !== record.hash) return broken('the genesis record was edited');
      report.logId = record.logId;
      if (record.note) report.notes.push(record.note);
    } else {
      if (index === 0) return broken('the log does not start with its genesis record: it was removed or the start cut off');
      if (entryHash(record.prev, record.entry) !== record.hash) return broken('the record was edited after it was written');
      if (record.prev !== prev) return broken('the record before it is missing, or records were re-ordered');
    }
    prev = record.hash;
  });
  report.head = report.firstBreak ? null : prev;
  return report;
}

export function describeBreak(b: ChainBreak): string {
  return `record ${b.index + 1}${b.entryId ? ` (entry ${b.entryId})` : ''}: ${b.reason}`;
}
