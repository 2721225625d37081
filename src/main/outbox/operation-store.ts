import { join } from 'node:path';
import { StationError } from '../../shared/errors';
import { outboxOperationSchema, type OutboxOperation } from '../../shared/outbox';
import { openJournal, type FlushWhen, type JournalRecovery } from '../journal';
import { createListenerSet, type ListenerErrorReporter } from '../common';
import { createStderrLog, describeError, type DiagnosticLog } from '../log';
import { asStationError } from './classify';

/**
 * The outbox's operations: the journal on disk and the indexes the scheduler reads. A state is
 * made durable, then visible (list(), listeners), in that order, always. Knows nothing of CM.
 */
export interface OperationStore {
  readonly recovery: JournalRecovery;
  /** Visible operations (on disk), in queue order. */
  values(): IterableIterator<OutboxOperation>;
  get(id: string): OutboxOperation | undefined;
  /** Ids of a request's operations, in queue order. */
  idsOfRequest(requestId: string): Iterable<string>;
  /** When an operation is due (epoch ms; -Infinity = now), ignoring back-off for changes up to `floor`. */
  dueTime(op: OutboxOperation, floor: number): number;
  /** The latest change number: replayNow() makes everything changed up to it due at once. */
  readonly changeCount: number;
  /**
   * `flush` 'with-next' (journal.ts): durable with the next record flushed, for a state a power cut
   * may lose because it is proven again from CM before anything is sent (outbox.ts, attempt).
   */
  commit(next: OutboxOperation, flush?: FlushWhen): Promise<void>;
  /** A new operation made by transitions.ts newOperation (valid by construction): committed without parsing it again. */
  add(op: OutboxOperation): Promise<void>;
  subscribe(listener: (op: OutboxOperation) => void): () => void;
  /** Rewrite the journal, dropping finished operations past retention that are not busy. */
  compact(isBusy: (id: string) => boolean): Promise<void>;
  close(): Promise<void>;
}

const DAY_MS = 86_400_000;
/** Compact once the journal holds this many records per live operation (plus slack). */
const COMPACT_RECORDS_PER_OPERATION = 3;
const COMPACT_SLACK_RECORDS = 500;

export async function openOperationStore(options: {
  dir: string;
  nowMs: () => number;
  retentionDays: number;
  isBusy: (id: string) => boolean;
  /** Where a failed compaction is reported (it changes nothing: the intact journal stays in use). */
  log?: DiagnosticLog;
  /** Where a failing listener is reported (the diagnostic log). */
  onListenerError: ListenerErrorReporter;
}): Promise<OperationStore> {
  const compactFailed = (err: unknown) => (options.log ?? createStderrLog()).warn('outbox.compact-failed', describeError(err));
  const { journal, records, recovery } = await openJournal({ path: join(options.dir, 'outbox.journal'), schema: outboxOperationSchema });
  /** What listeners and list() see: only states already on disk. Insertion order = queue order. */
  const ops = new Map<string, OutboxOperation>();
  /** The latest state handed to the journal (on disk or about to be): what a compaction writes. */
  const recorded = new Map<string, OutboxOperation>();
  const byRequest = new Map<string, Set<string>>();
  /** nextAttemptAt as epoch ms (parsed once, read on every scheduling pass). */
  const dueAt = new Map<string, number>();
  /** Change number per operation, so replayNow() can tell back-offs set before it from later ones. */
  const changeSeq = new Map<string, number>();
  const listeners = createListenerSet<[OutboxOperation]>('outbox', options.onListenerError);
  let seq = 0;
  let compacting = false;
  let compactAfterRecords = 0;

  function index(op: OutboxOperation): void {
    let ids = byRequest.get(op.requestId);
    if (ids === undefined) byRequest.set(op.requestId, (ids = new Set()));
    ids.add(op.id);
    if (op.nextAttemptAt === null) dueAt.delete(op.id);
    else dueAt.set(op.id, Date.parse(op.nextAttemptAt));
  }

  function forget(id: string): void {
    const op = recorded.get(id);
    if (op !== undefined) byRequest.get(op.requestId)?.delete(id);
    recorded.delete(id);
    ops.delete(id);
    dueAt.delete(id);
    changeSeq.delete(id);
  }

  // Rebuild: the last record per id wins; Map keeps the position of the first, i.e. queue order.
  for (const record of records) recorded.set(record.id, record);
  for (const op of recorded.values()) {
    // Crashed mid-send: CM may or may not have received it, so it is settled before any resend.
    const restored: OutboxOperation = op.state === 'sending' ? { ...op, state: 'pending', outcomeUnknown: true } : op;
    recorded.set(op.id, restored);
    ops.set(op.id, restored);
    index(restored);
  }

  async function compact(isBusy: (id: string) => boolean): Promise<void> {
    if (compacting) return;
    compacting = true;
    try {
      const cutoff = options.nowMs() - options.retentionDays * DAY_MS;
      for (const [id, op] of recorded) {
        const finished = op.state === 'done' || op.state === 'discarded';
        if (finished && !isBusy(id) && Date.parse(op.updatedAt) < cutoff) forget(id);
      }
      await journal.compact([...recorded.values()]);
      compactAfterRecords = 0;
    } catch (err) {
      // The journal is still the old, intact one; try again once it has doubled, not on every commit.
      compactAfterRecords = journal.recordCount * 2;
      throw asStationError(err);
    } finally {
      compacting = false;
    }
  }

  function maybeCompact(): void {
    const threshold = Math.max(compactAfterRecords, COMPACT_RECORDS_PER_OPERATION * recorded.size + COMPACT_SLACK_RECORDS);
    // The intact journal stays in use and compaction is tried again later: only worth a log entry.
    if (!compacting && journal.recordCount > threshold) compact(options.isBusy).catch(compactFailed);
  }

  if (recovery.truncatedTail !== null || journal.recordCount > recorded.size) {
    // Start-up compaction only saves space: if it fails, the intact journal stays in use.
    await compact(options.isBusy).catch(compactFailed);
  }

  return {
    recovery,
    values: () => ops.values(),
    get: (id) => ops.get(id),
    idsOfRequest: (requestId) => byRequest.get(requestId) ?? [],
    dueTime(op, floor) {
      if ((changeSeq.get(op.id) ?? 0) <= floor) return -Infinity;
      return dueAt.get(op.id) ?? -Infinity;
    },
    get changeCount() {
      return seq;
    },
    async commit(next, flush = 'now') {
      // Never write what could not be read back: a bad record would make the next start fail.
      const checked = outboxOperationSchema.safeParse(next);
      if (!checked.success) {
        throw new StationError('INTERNAL', 'The outbox refused to record an invalid operation state.', {
          problem: checked.error.message.slice(0, 300),
        });
      }
      await record(next, flush);
    },
    add: record,
    subscribe: (listener) => listeners.add(listener),
    compact,
    close: () => journal.close(),
  };

  async function record(next: OutboxOperation, flush: FlushWhen = 'now'): Promise<void> {
    recorded.set(next.id, next);
    await journal.append(next, { flush });
    ops.set(next.id, next);
    changeSeq.set(next.id, ++seq);
    index(next);
    // A listener's bug must not stop the outbox (the state is already recorded): each is isolated.
    listeners.emit(next);
    maybeCompact();
  }
}
