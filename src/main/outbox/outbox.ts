import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { AuditEntryInput } from '../../shared/audit';
import { StationError } from '../../shared/errors';
import {
  outboxOperationInputSchema,
  outboxOperationSchema,
  type OutboxOperation,
  type OutboxOperationInput,
} from '../../shared/outbox';
import { openJournal, type JournalRecovery } from '../journal';
import type { BackoffPolicy } from './backoff';
import { asStationError } from './classify';
import type { OutboxCmPort } from './port';
import { sendToCm } from './send';
import { AUDIT_ACTIONS_BY_KIND, auditEntryFor, settleSend, startSending, toOutboxError } from './transitions';
import { createWakeTimer, systemTimers, type Timers } from './wake-timer';

/**
 * The outbox: CM operations (bind, retire) kept durably until CM has confirmed them, replayed
 * when CM is reachable, each sent at most once in effect.
 *
 * Life of an operation (each step is journaled before listeners or list() see it):
 *
 *   enqueue          -> pending
 *   pending          -> sending            (due, CM slot free, queue not paused)
 *   sending          -> done               (CM did it, or a lookup found it already done)
 *   sending          -> pending            (transient failure: back-off; outcomeUnknown if CM may have acted)
 *   sending          -> needs-attention    (CM refused: a person decides)
 *   needs-attention  -> pending            (retry)
 *   pending, needs-attention -> discarded  (discard, with the reason audited)
 *
 * Sending protocol, for crash safety: 'sending' is on disk before CM hears of the operation. An
 * operation found in 'sending' at start-up therefore may or may not have reached CM: it becomes
 * pending with outcomeUnknown, and a bind with outcomeUnknown is first looked up in CM by card id;
 * found means done with that card, and it is never POSTed twice.
 *
 * Ordering: a retire waits until every bind of its request queued before it is done (so an old
 * card is retired only once its replacement is bound); binds never wait; different requests run
 * in parallel up to `concurrency` CM calls.
 */

/** Where the outbox records what it did; the audit log satisfies it. */
export interface OutboxAuditPort {
  append(entry: AuditEntryInput): Promise<unknown>;
}

export interface OutboxOptions {
  /** Folder of the outbox journal (`outbox.journal`). */
  dir: string;
  now: () => Date;
  /** 0..1, for back-off jitter. */
  random: () => number;
  cm: OutboxCmPort;
  /** Most CM calls in flight at once. */
  concurrency: number;
  backoff: BackoffPolicy;
  audit: OutboxAuditPort;
  /** The OS user, recorded in every audit entry. */
  actor: string;
  /** Done and discarded operations older than this are dropped when the journal is compacted. */
  retentionDays: number;
  timers?: Timers;
  newId?: () => string;
}

export type OutboxListener = (operation: OutboxOperation) => void;

export interface Outbox {
  /** Resolves once the operation is on disk (and audited): only then may the operator see "queued". */
  enqueue(input: OutboxOperationInput): Promise<OutboxOperation>;
  /** Every operation kept, in the order it was queued. */
  list(): OutboxOperation[];
  /** Send a pending or needs-attention operation again as soon as possible. */
  retry(id: string): Promise<OutboxOperation>;
  /** Give up on a pending or needs-attention operation; the reason goes to the audit log. */
  discard(id: string, reason: string): Promise<OutboxOperation>;
  /** Called with each operation after its new state is on disk. Returns the unsubscribe function. */
  subscribe(listener: OutboxListener): () => void;
  /**
   * Send everything pending now, ignoring back-off and the offline flag (an operator's explicit
   * request), and resolve when nothing is in flight and nothing else is due.
   */
  replayNow(): Promise<void>;
  /** Resolves once no operation is being queued, sent or recorded (the scheduler may start more later). */
  idle(): Promise<void>;
  /** While offline the scheduler sends nothing; going online sends what is due at once. */
  setOnline(online: boolean): void;
  /** Start the scheduler: it wakes when the next operation is due (one timer, no polling). */
  start(): void;
  stop(): void;
  /** Rewrite the journal as a snapshot, dropping done/discarded operations past retention. */
  compact(): Promise<void>;
  /** What opening found at the end of the journal (an unfinished append cut off, or nothing). */
  readonly recovery: JournalRecovery;
  /** Stops the scheduler, waits for operations in flight to be recorded, closes the journal. */
  close(): Promise<void>;
}

const DAY_MS = 86_400_000;
/** Compact once the journal holds this many records per live operation (plus slack). */
const COMPACT_RECORDS_PER_OPERATION = 3;
const COMPACT_SLACK_RECORDS = 500;

export async function createOutbox(options: OutboxOptions): Promise<Outbox> {
  const { cm, audit, actor, backoff, random } = options;
  const newId = options.newId ?? randomUUID;
  const concurrency = Math.max(1, Math.floor(options.concurrency));
  const nowMs = (): number => options.now().getTime();
  const iso = (ms: number): string => new Date(ms).toISOString();

  const { journal, records, recovery } = await openJournal({
    path: join(options.dir, 'outbox.journal'),
    schema: outboxOperationSchema,
  });

  /** What listeners and list() see: only states already on disk. Insertion order = queue order. */
  const ops = new Map<string, OutboxOperation>();
  /** The latest state handed to the journal (on disk or about to be): what a compaction writes. */
  const recorded = new Map<string, OutboxOperation>();
  /** Operation ids per request, for "a retire waits for its request's bind". */
  const byRequest = new Map<string, Set<string>>();
  /** nextAttemptAt as epoch ms (parsed once, read on every scheduling pass). */
  const dueAt = new Map<string, number>();
  /** Change counter per operation, so replayNow() can tell back-offs set before it from later ones. */
  const changeSeq = new Map<string, number>();
  let seq = 0;
  /** Operations with a transition under way: not dispatched, not retried or discarded meanwhile. */
  const busy = new Set<string>();
  /** Operations holding a CM slot: from their 'sending' record until CM has answered. */
  let inFlight = 0;
  let started = false;
  let online = true;
  let closing = false;
  let compacting = false;
  let compactAfterRecords = 0;
  /** After a connectivity failure nothing is sent before this instant (epoch ms). */
  let pausedUntil: number | null = null;
  /** Operations last changed at or before this change number are due now (set by replayNow). */
  let replayFloor = -1;
  let fatal: StationError | null = null;
  const replayWaiters: Array<() => void> = [];
  const drainWaiters: Array<() => void> = [];
  const listeners = new Set<OutboxListener>();
  const timer = createWakeTimer(options.timers ?? systemTimers, nowMs, () => pump());

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

  function fail(err: unknown): void {
    fatal ??= err instanceof StationError ? err : asStationError(err);
  }

  function assertUsable(): void {
    if (fatal !== null) throw fatal;
    if (closing) throw new StationError('OUTBOX_STATE', 'The outbox is closed.');
  }

  /** Make a new state durable, then visible. */
  async function commit(next: OutboxOperation): Promise<void> {
    // Never write what could not be read back: a bad record would make the next start fail.
    const checked = outboxOperationSchema.safeParse(next);
    if (!checked.success) {
      throw new StationError('INTERNAL', 'The outbox refused to record an invalid operation state.', {
        problem: checked.error.message.slice(0, 300),
      });
    }
    recorded.set(next.id, next);
    await journal.append(next);
    ops.set(next.id, next);
    changeSeq.set(next.id, ++seq);
    index(next);
    for (const listener of listeners) {
      try {
        listener(next);
      } catch {
        // A listener's bug must not stop the outbox; the state is already recorded.
      }
    }
    maybeCompact();
  }

  /** A retire waits for binds of its request queued before it; a later bind does not hold it back. */
  function waitsForBind(retire: OutboxOperation): boolean {
    // Set order is insertion order, i.e. queue order.
    for (const id of byRequest.get(retire.requestId) ?? []) {
      if (id === retire.id) return false;
      const op = ops.get(id);
      if (op?.kind === 'bind' && (op.state === 'pending' || op.state === 'sending' || op.state === 'needs-attention')) {
        return true;
      }
    }
    return false;
  }

  function dueTime(op: OutboxOperation): number {
    if ((changeSeq.get(op.id) ?? 0) <= replayFloor) return -Infinity;
    return dueAt.get(op.id) ?? -Infinity;
  }

  /** One scheduling pass: start what is due (up to the concurrency bound), aim the timer at the rest. */
  function pump(): void {
    const forced = replayWaiters.length > 0;
    const now = nowMs();
    if (pausedUntil !== null && now >= pausedUntil) pausedUntil = null;
    const mayDispatch = fatal === null && !closing && (forced || (started && online));
    let wakeAt: number | null = null;
    let slotsFull = false;
    if (mayDispatch) {
      for (const op of ops.values()) {
        if (op.state !== 'pending' || busy.has(op.id)) continue;
        if (op.kind === 'retire' && waitsForBind(op)) continue; // woken when the bind settles
        const due = dueTime(op);
        if (pausedUntil === null && due <= now) {
          if (inFlight >= concurrency) {
            slotsFull = true; // a finishing call pumps again
            break;
          }
          dispatch(op);
        } else {
          wakeAt = Math.min(wakeAt ?? Infinity, Math.max(due, pausedUntil ?? -Infinity));
        }
      }
    }
    timer.armAt(mayDispatch && !forced && !slotsFull ? wakeAt : null);

    if (busy.size === 0) {
      for (const resolve of drainWaiters.splice(0)) resolve();
      if (forced) {
        // The forced pass is over; the next pass arms the timer for what is left.
        for (const resolve of replayWaiters.splice(0)) resolve();
        pump();
      }
    }
  }

  function dispatch(op: OutboxOperation): void {
    busy.add(op.id);
    inFlight++;
    let holdsSlot = true;
    const releaseSlot = (): void => {
      if (!holdsSlot) return;
      holdsSlot = false;
      inFlight--;
      pump();
    };
    void (async () => {
      try {
        const sending = startSending(op, nowMs());
        // On disk before CM hears of it: a crash from here on is found as 'sending' at open.
        await commit(sending);
        const outcome = await sendToCm(cm, sending);
        const { next, entry, connection } = settleSend(sending, outcome, { actor, now: nowMs(), backoff, random });
        // Before the slot is released: a connectivity failure must pause the queue before the
        // next operation can start.
        if (connection.kind === 'answered') pausedUntil = null;
        if (connection.kind === 'pause-until') pausedUntil = Math.max(pausedUntil ?? 0, connection.at);
        // The slot bounds CM calls; recording the outcome need not hold it.
        releaseSlot();
        // The audit entry goes first: after a crash in between, the outcome is audited twice at
        // worst (the resend is settled by lookup), never missing.
        await audit.append(entry);
        await commit(next);
      } catch (err) {
        fail(err);
      } finally {
        busy.delete(op.id);
        releaseSlot();
        pump();
      }
    })();
  }

  function maybeCompact(): void {
    const threshold = Math.max(compactAfterRecords, COMPACT_RECORDS_PER_OPERATION * recorded.size + COMPACT_SLACK_RECORDS);
    if (!compacting && journal.recordCount > threshold) void compact().catch(() => undefined);
  }

  async function compact(): Promise<void> {
    if (compacting) return;
    compacting = true;
    try {
      const cutoff = nowMs() - options.retentionDays * DAY_MS;
      for (const [id, op] of recorded) {
        const finished = op.state === 'done' || op.state === 'discarded';
        if (finished && !busy.has(id) && Date.parse(op.updatedAt) < cutoff) forget(id);
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

  function find(id: string): OutboxOperation {
    const op = ops.get(id);
    if (op === undefined) throw new StationError('OUTBOX_NOT_FOUND', 'This queued operation no longer exists.', { id });
    return op;
  }

  function claimForOperator(id: string, verb: string): OutboxOperation {
    assertUsable();
    const op = find(id);
    if (busy.has(id) || (op.state !== 'pending' && op.state !== 'needs-attention')) {
      throw new StationError('OUTBOX_STATE', `This operation cannot be ${verb} while it is ${busy.has(id) ? 'being sent' : op.state}.`, {
        id,
        state: op.state,
      });
    }
    busy.add(id);
    return op;
  }

  /** A retire still waiting on a bind the operator gave up on must not go ahead on its own. */
  async function holdRetiresOf(requestId: string): Promise<void> {
    for (const id of [...(byRequest.get(requestId) ?? [])]) {
      const op = ops.get(id);
      if (op?.kind !== 'retire' || op.state !== 'pending' || busy.has(id)) continue;
      busy.add(id);
      try {
        const error = new StationError(
          'OUTBOX_STATE',
          'The bind for this request was discarded, so this retire was held back. Retry to retire the card anyway, or discard it.',
        );
        await audit.append(auditEntryFor(actor, op, AUDIT_ACTIONS_BY_KIND.retire.failed, 'failed', { error }));
        await commit({ ...op, state: 'needs-attention', updatedAt: iso(nowMs()), nextAttemptAt: null, lastError: toOutboxError(error) });
      } finally {
        busy.delete(id);
      }
    }
  }

  function idle(): Promise<void> {
    return new Promise<void>((resolve) => {
      drainWaiters.push(resolve);
      pump();
    });
  }

  if (recovery.truncatedTail !== null || journal.recordCount > recorded.size) {
    // Start-up compaction only saves space: if it fails, the intact journal stays in use.
    await compact().catch(() => undefined);
  }

  return {
    async enqueue(input) {
      assertUsable();
      const parsed = outboxOperationInputSchema.safeParse(input);
      if (!parsed.success) {
        throw new StationError('BAD_REQUEST', 'The operation to queue is not valid.', { problem: parsed.error.message.slice(0, 300) });
      }
      const at = iso(nowMs());
      const op: OutboxOperation = {
        ...parsed.data,
        id: newId(),
        createdAt: at,
        updatedAt: at,
        state: 'pending',
        attempts: 0,
        nextAttemptAt: null,
        lastError: null,
        result: null,
        outcomeUnknown: false,
      };
      // Held back from the scheduler until "queued" is audited, so the audit trail stays in order.
      busy.add(op.id);
      try {
        await commit(op);
        await audit.append(auditEntryFor(actor, op, AUDIT_ACTIONS_BY_KIND[op.kind].queued, 'queued'));
      } catch (err) {
        fail(err);
        throw asStationError(err);
      } finally {
        busy.delete(op.id);
        pump();
      }
      return op;
    },

    list: () => [...ops.values()],

    async retry(id) {
      const op = claimForOperator(id, 'retried');
      const next: OutboxOperation = { ...op, state: 'pending', nextAttemptAt: null, updatedAt: iso(nowMs()) };
      try {
        await audit.append(auditEntryFor(actor, op, 'outbox.retry', 'info', { error: op.lastError, message: 'Retry requested by the operator.' }));
        await commit(next);
        pausedUntil = null; // the operator asks for a send now
      } catch (err) {
        fail(err);
        throw asStationError(err);
      } finally {
        busy.delete(id);
        pump();
      }
      return next;
    },

    async discard(id, reason) {
      const why = reason.trim();
      if (why.length === 0) throw new StationError('BAD_REQUEST', 'Say why the operation is discarded; the reason is audited.');
      const op = claimForOperator(id, 'discarded');
      const next: OutboxOperation = { ...op, state: 'discarded', nextAttemptAt: null, updatedAt: iso(nowMs()) };
      try {
        // Audited before it takes effect: a discard is never unrecorded.
        await audit.append(auditEntryFor(actor, op, 'outbox.discard', 'info', { error: op.lastError, message: why }));
        await commit(next);
      } catch (err) {
        fail(err);
        throw asStationError(err);
      } finally {
        busy.delete(id);
      }
      try {
        if (op.kind === 'bind') await holdRetiresOf(op.requestId);
      } catch (err) {
        fail(err);
        throw asStationError(err);
      } finally {
        pump();
      }
      return next;
    },

    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async replayNow() {
      assertUsable();
      replayFloor = seq;
      pausedUntil = null;
      await new Promise<void>((resolve, reject) => {
        replayWaiters.push(() => (fatal === null ? resolve() : reject(fatal)));
        pump();
      });
    },

    idle,

    setOnline(value) {
      online = value;
      if (value) pausedUntil = null;
      pump();
    },

    start() {
      started = true;
      pump();
    },

    stop() {
      started = false;
      pump();
    },

    async compact() {
      assertUsable();
      await compact();
    },

    recovery,

    async close() {
      if (closing) return;
      closing = true;
      started = false;
      await idle();
      await journal.close();
    },
  };
}
