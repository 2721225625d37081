import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AUDIT_COLUMNS, auditEntryInputSchema, auditQuerySchema, type AuditEntry, type AuditEntryInput, type AuditQuery } from '../../shared/audit';
import type { AuditIntegrity } from '../../shared/diagnostics';
import { StationError } from '../../shared/errors';
import { openJournal, replaceFileDurably, replaceFileDurablyInBackground, type JournalRecovery } from '../journal';
import { type AuditGap, anchorProblems, isInterruptedFirstStart, missingAnchorProblem, readAnchor } from './anchor';
import { auditRecordSchema, chainEntry, describeBreak, makeGenesis, verifyChain } from './chain';
import { csvRow } from './csv';
import { createStderrLog, type DiagnosticLog } from '../log';

export interface AuditLogOptions {
  /** Folder of the audit journal (`audit.journal`). */
  dir: string;
  now: () => Date;
  /** Entry ids; tests inject a sequence. */
  newId?: () => string;
  /**
   * The chain head anchor. The station keeps it outside the audit folder (in its data folder), so
   * it outlives a deleted or truncated log and a restart can say what went missing instead of
   * starting afresh. Default: `audit.head` in the audit folder (catches a cut-off or emptied log).
   */
  anchorPath?: string;
  /** Where a failed anchor update is reported (the diagnostic log); default stderr. */
  log?: DiagnosticLog;
  /**
   * The data folder was in use before this start (its other journals exist): with no log and no
   * anchor, both were deleted, which is a gap, not a first run.
   */
  folderUsedBefore?: boolean;
  /**
   * Called with each record once it is on disk, with its position in the chain (the genesis is 1)
   * and its hash: the OS log copy (fleet view). Must not throw; it is not awaited.
   */
  onRecorded?: (entry: AuditEntry, position: number, hash: string) => void;
}

export interface AuditLog {
  /** Resolves with the stored entry once it is on disk; `background`: nobody waits, so its flush stays off the event loop. */
  append(input: AuditEntryInput, options?: { background?: boolean }): Promise<AuditEntry>;
  /** Matching entries in the order they were recorded; with `limit`, the most recent ones. */
  query(query: AuditQuery): AuditEntry[];
  /**
   * Writes the matching entries to `outPath` as CSV (temp file + rename), each row with its chain
   * hash, and a last row with the chain head; returns the row count.
   */
  exportCsv(query: AuditQuery, outPath: string): Promise<{ path: string; rows: number }>;
  /** What opening found at the end of the journal (an unfinished append cut off, or nothing). */
  readonly recovery: JournalRecovery;
  /** The chain as checked when the log was opened, kept up to date with the head. */
  integrity(): AuditIntegrity;
  close(): Promise<void>;
}

const ANCHOR_DELAY_MS = 200;

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
  const anchorPath = options.anchorPath ?? join(options.dir, 'audit.head');
  const journalPath = join(options.dir, 'audit.journal');
  // Before opening (which creates it): did a log exist, even an empty one?
  const logExisted = existsSync(journalPath);
  const { journal, records, recovery } = await openJournal({ path: journalPath, schema: auditRecordSchema });

  // --- the chain, checked before anything is added: a gap is reported, never papered over ------
  const report = verifyChain(records);
  const gaps: AuditGap[] = report.firstBreak ? [{ kind: 'chain-broken', detail: `the hash chain breaks at ${describeBreak(report.firstBreak)}` }] : [];
  const anchor = readAnchor(anchorPath);
  if (anchor && 'problem' in anchor) gaps.push(anchor.problem);
  else if (anchor) gaps.push(...anchorProblems(records, report.logId, anchor));
  else if (logExisted && !isInterruptedFirstStart(records.length, options.folderUsedBefore ?? false))
    gaps.push(missingAnchorProblem(anchorPath, records.length));
  else if (options.folderUsedBefore) {
    gaps.push({ kind: 'log-missing', detail: `the audit log and its chain anchor ${anchorPath} are both missing from a data folder that was in use` });
  }
  const problems = gaps.map((gap) => gap.detail);
  if (records.length === 0) {
    // A new log. If an anchor says there was one before, the genesis records the gap for good.
    const genesis = makeGenesis(randomUUID(), options.now().toISOString(), problems.length ? `started after a gap: ${problems.join('; ')}` : null);
    await journal.append(genesis);
    records.push(genesis);
  }
  const logId = records[0]?.kind === 'genesis' ? records[0].logId : 'unknown';
  // The link the next entry makes, and what is known to be on disk (what the anchor may record).
  let head = records[records.length - 1]!.hash;
  let count = records.length;
  let flushed = { count, head };
  const entries: AuditEntry[] = records.flatMap((r) => (r.kind === 'entry' ? [r.entry] : []));
  const hashes = new Map<string, string>(records.flatMap((r) => (r.kind === 'entry' ? [[r.entry.id, r.hash] as const] : [])));
  const anchorText = () => Buffer.from(`${JSON.stringify({ logId, records: flushed.count, head: flushed.head })}\n`, 'utf8');
  // A log without its genesis cannot be anchored.
  const anchorable = records[0]?.kind === 'genesis';
  // Only a log that checked out moves the anchor: a gap stays visible until IT looks at it. An anchor
  // that already names this head (the last close wrote it) is not written again: three flushes at every start.
  const anchorCurrent = anchor !== null && !('problem' in anchor) && anchor.logId === logId && anchor.records === count && anchor.head === head;
  if (problems.length === 0 && anchorable && !anchorCurrent) replaceFileDurably(anchorPath, anchorText());
  // The anchor follows the flushed head a moment later (and at close), not with every append: a
  // durable replace costs three flushes, and a lagging anchor is safe (the log extends it); it is
  // never ahead of what is on disk. Those flushes run on libuv's pool, one replace at a time: on
  // the event loop they held up whatever the station was doing (an issuance) for 3-15 ms.
  let anchorTimer: NodeJS.Timeout | null = null;
  let anchorWrite: Promise<void> = Promise.resolve();
  const scheduleAnchor = () => {
    if (problems.length > 0 || !anchorable || anchorTimer) return;
    anchorTimer = setTimeout(() => {
      anchorTimer = null;
      anchorWrite = anchorWrite
        .then(() => replaceFileDurablyInBackground(anchorPath, anchorText()))
        .catch((err: unknown) => (options.log ?? createStderrLog()).error('audit.anchor-failed', err, { anchorPath }));
    }, ANCHOR_DELAY_MS);
    anchorTimer.unref();
  };

  function query(raw: AuditQuery): AuditEntry[] {
    const q = parseQuery(raw);
    const found = entries.filter(matcher(q));
    return q.limit === undefined ? found : found.slice(-q.limit);
  }

  return {
    async append(input, how = {}) {
      const parsed = auditEntryInputSchema.safeParse(input);
      if (!parsed.success) {
        throw new StationError('BAD_REQUEST', 'The audit entry is not valid.', { problem: parsed.error.message });
      }
      const entry: AuditEntry = { id: newId(), at: options.now().toISOString(), ...parsed.data };
      // Linked now, in call order; the journal writes in the same order (and refuses every later
      // append once one fails), so the chain on disk is the chain made here.
      const record = chainEntry(head, entry);
      head = record.hash;
      count += 1;
      const position = count;
      await journal.append(record, how);
      entries.push(entry);
      hashes.set(entry.id, record.hash);
      flushed = { count: position, head: record.hash };
      scheduleAnchor();
      try {
        options.onRecorded?.(entry, position, record.hash);
      } catch (err) {
        // The record is on disk; a failing copy elsewhere must not turn that into a failure.
        (options.log ?? createStderrLog()).error('audit.copy-failed', err);
      }
      return entry;
    },
    query,
    async exportCsv(raw, outPath) {
      const rows = query(raw);
      const columns = [...AUDIT_COLUMNS, 'hash'] as const;
      const text =
        csvRow(columns) +
        rows.map((entry) => csvRow([...AUDIT_COLUMNS.map((column) => entry[column]), hashes.get(entry.id) ?? null])).join('') +
        // The head lets an auditor prove later that no record was cut off after this export.
        csvRow(['chain head', head, `log ${logId}`, `${count} records`]);
      replaceFileDurably(outPath, Buffer.from(text, 'utf8'));
      return { path: outPath, rows: rows.length };
    },
    recovery,
    integrity: () => ({ status: problems.length ? 'gap' : 'ok', records: count, head, problems: [...problems], gaps: gaps.map((gap) => gap.kind) }),
    async close() {
      await journal.close();
      await anchorWrite;
      if (anchorTimer) {
        clearTimeout(anchorTimer);
        anchorTimer = null;
        replaceFileDurably(anchorPath, anchorText());
      }
    },
  };
}
