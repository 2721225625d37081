import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import {
  AUDIT_COLUMNS,
  auditEntryInputSchema,
  auditEntrySchema,
  auditQuerySchema,
  type AuditEntry,
  type AuditEntryInput,
  type AuditQuery,
} from '../../shared/audit';
import { StationError } from '../../shared/errors';
import { openJournal, replaceFileDurably, type JournalRecovery } from '../journal';
import { csvRow } from './csv';

export interface AuditLogOptions {
  /** Folder of the audit journal (`audit.journal`). */
  dir: string;
  now: () => Date;
  /** Entry ids; tests inject a sequence. */
  newId?: () => string;
}

export interface AuditLog {
  /** Resolves with the stored entry once it is on disk. */
  append(input: AuditEntryInput): Promise<AuditEntry>;
  /** Matching entries in the order they were recorded; with `limit`, the most recent ones. */
  query(query: AuditQuery): AuditEntry[];
  /** Writes the matching entries to `outPath` as CSV (temp file + rename); returns the row count. */
  exportCsv(query: AuditQuery, outPath: string): Promise<{ path: string; rows: number }>;
  /** What opening found at the end of the journal (an unfinished append cut off, or nothing). */
  readonly recovery: JournalRecovery;
  close(): Promise<void>;
}

function parseQuery(query: AuditQuery): AuditQuery {
  const parsed = auditQuerySchema.safeParse(query);
  if (!parsed.success) throw new StationError('BAD_REQUEST', 'The audit search is not valid.', { problem: parsed.error.message });
  return parsed.data;
}

function matcher(query: AuditQuery): (entry: AuditEntry) => boolean {
  // Compare instants, not strings: callers may send ISO times without milliseconds.
  const from = query.from === undefined ? null : Date.parse(query.from);
  const to = query.to === undefined ? null : Date.parse(query.to);
  return (entry) => {
    const at = Date.parse(entry.at);
    return (
      (from === null || at >= from) &&
      (to === null || at < to) &&
      (query.requestId === undefined || entry.requestId === query.requestId) &&
      (query.cardId === undefined || entry.cardId === query.cardId)
    );
  };
}

/**
 * The audit log keeps every entry in memory after loading the journal: a badge office records a
 * few hundred entries a day, so years of history stay in the tens of megabytes.
 */
export async function createAuditLog(options: AuditLogOptions): Promise<AuditLog> {
  const newId = options.newId ?? randomUUID;
  const { journal, records, recovery } = await openJournal({
    path: join(options.dir, 'audit.journal'),
    schema: auditEntrySchema,
  });
  const entries: AuditEntry[] = records;

  function query(raw: AuditQuery): AuditEntry[] {
    const q = parseQuery(raw);
    const found = entries.filter(matcher(q));
    return q.limit === undefined ? found : found.slice(-q.limit);
  }

  return {
    async append(input) {
      const parsed = auditEntryInputSchema.safeParse(input);
      if (!parsed.success) {
        throw new StationError('BAD_REQUEST', 'The audit entry is not valid.', { problem: parsed.error.message });
      }
      const entry: AuditEntry = { id: newId(), at: options.now().toISOString(), ...parsed.data };
      await journal.append(entry);
      entries.push(entry);
      return entry;
    },
    query,
    async exportCsv(raw, outPath) {
      const rows = query(raw);
      const text = csvRow(AUDIT_COLUMNS) + rows.map((entry) => csvRow(AUDIT_COLUMNS.map((column) => entry[column]))).join('');
      replaceFileDurably(outPath, Buffer.from(text, 'utf8'));
      return { path: outPath, rows: rows.length };
    },
    recovery,
    close: () => journal.close(),
  };
}
