import { randomUUID } from 'node:crypto';
import type { AuditEntry, AuditEntryInput, AuditQuery } from '../../shared/audit';
import { StationError } from '../../shared/errors';
import { outboxOperationInputSchema, type OutboxOperation, type OutboxOperationInput } from '../../shared/outbox';
import type { JournalRecovery } from '../journal';
import type { BackoffPolicy, ListenerErrorReporter } from '../common';
import type { DiagnosticLog } from '../log';
import { asStationError } from './classify';
import { newCardFor } from './held-retires';
import { openOperationStore } from './operation-store';
import type { OutboxCmPort } from './port';
import { sendToCm } from './send';
import { discardChange, heldBackChange, releaseHoldChange, retryChange, type OperatorChange } from './operator-actions';
import { AUDIT_ACTIONS_BY_KIND, auditEntryFor, newOperation, notSent, settleSend, startSending } from './transitions';
import { createScheduler, type Connection } from './scheduler';
import { systemTimers, type Timers } from './wake-timer';

/**
 * The outbox: CM operations (bind, retire) kept durably until CM has confirmed them, replayed
 * when CM is reachable, each sent at most once in effect.
 *
 * Life of an operation (each step is journaled before listeners or list() see it):
 *
 *   enqueue          -> pending
 *   pending          -> sending            (due, CM slot free, queue not paused)
 *   sending          -> done               (CM did it, or a check in CM proved it done: bind-proof.ts)
 *   sending          -> pending            (transient failure: back-off; outcomeUnknown if CM may have acted;
 *                                           a verified refusal, counted: refusals.ts; a held retire: held-retires.ts)
 *   sending          -> needs-attention    (403, a card in use elsewhere, nothing provable, or the 3rd
 *                                           verified refusal: a person decides)
 *   needs-attention  -> pending            (retry)
 *   pending, needs-attention -> discarded  (discard, with the reason audited)
 *
 * Sending protocol, for crash safety: 'sending' is on disk before CM hears of the operation. An
 * operation found in 'sending' at start-up therefore may or may not have reached CM: it becomes
 * pending with outcomeUnknown, and a bind with outcomeUnknown is first proved in CM (bind-proof.ts):
 * proven bound means done with that card, and it is never POSTed twice.
 *
 * Ordering: a retire waits until every bind of its request queued before it is done (so an old
 * card is retired only once its replacement is bound), and a held retire (`waitFor`) until the new
 * card is Active; binds never wait; different requests run in parallel up to `concurrency` CM calls.
 *
 * This file only coordinates: durable state lives in operation-store.ts, what one attempt does in
 * send.ts (with bind-proof.ts, refusals.ts, held-retires.ts), the resulting state in transitions.ts,
 * and what an operator's action does in operator-actions.ts.
 */

/** Where the outbox records what it did; the audit log satisfies it. */
export interface OutboxAuditPort {
  append(entry: AuditEntryInput): Promise<unknown>;
  /** When given, operations on disk that were never audited as queued are audited at load. */
  query?(query: AuditQuery): readonly AuditEntry[];
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
  /** The diagnostic log (failed compactions); default stderr. */
  log?: DiagnosticLog;
  /** Where a failing listener is reported (the diagnostic log). */
  onListenerError: ListenerErrorReporter;
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
  /** "Retire now": a held retire stops waiting for its new card (the operator confirmed); audited. */
  releaseHold(id: string): Promise<OutboxOperation>;
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

/** How long an operator's action waits for a step already under way before it is refused. */
const OPERATOR_WAIT_MS = 20_000;

/** The busy set, able to say when one operation is no longer busy (no polling). */
class BusySet extends Set<string> {
  private readonly waiters = new Map<string, Set<() => void>>();

  override delete(id: string): boolean {
    const deleted = super.delete(id);
    const waiting = this.waiters.get(id);
    if (deleted && waiting) {
      this.waiters.delete(id);
      for (const wake of waiting) wake();
    }
    return deleted;
  }

  /** Resolves once `id` is not busy, or after `timeoutMs` (the caller checks again either way). */
  idle(id: string, timeoutMs: number): Promise<void> {
    if (!this.has(id)) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      const set = this.waiters.get(id) ?? new Set<() => void>();
      set.add(done);
      this.waiters.set(id, set);
    });
  }
}

/**
 * `enqueue` records an operation, then audits it as queued; a crash between the two leaves an
 * operation on disk that the audit trail never heard of. At load, each operation without its
 * "queued" entry (same action, request and card, recorded at or after the operation's creation)
 * is audited now, saying why, before the scheduler may send it.
 */
async function auditUnauditedAtLoad(ops: Iterable<OutboxOperation>, audit: Required<OutboxAuditPort>, actor: string): Promise<void> {
  const queued = audit.query({}).filter((entry) => entry.action === 'bind.queued' || entry.action === 'retire.queued');
  for (const op of [...ops]) {
    const action = AUDIT_ACTIONS_BY_KIND[op.kind].queued;
    const created = Date.parse(op.createdAt);
    const audited = queued.some(
      (entry) =>
        entry.action === action &&
        entry.requestId === op.requestId &&
        Date.parse(entry.at) >= created &&
        (op.kind === 'bind' ? entry.cardId === op.cardId : entry.smartcardUuid === op.smartcardUuid),
    );
    if (audited) continue;
    const message = `Operation ${op.id} was in the outbox but never audited as queued (the station stopped in between); audited when the outbox was loaded.`;
    await audit.append(auditEntryFor(actor, op, action, 'queued', { message }));
  }
}

export async function createOutbox(options: OutboxOptions): Promise<Outbox> {
  const { cm, audit, actor, backoff, random } = options;
  const newId = options.newId ?? randomUUID;
  const nowMs = (): number => options.now().getTime();
  const iso = (ms: number): string => new Date(ms).toISOString();

  /** Operations with a transition under way: not dispatched, not retried or discarded meanwhile. */
  const busy = new BusySet();
  const store = await openOperationStore({
    dir: options.dir,
    nowMs,
    retentionDays: options.retentionDays,
    isBusy: (id) => busy.has(id),
    onListenerError: options.onListenerError,
    ...(options.log ? { log: options.log } : {}),
  });
  const { commit } = store;
  if (audit.query) await auditUnauditedAtLoad(store.values(), audit as Required<OutboxAuditPort>, actor);
  let closing = false;
  let fatal: StationError | null = null;

  function fail(err: unknown): void {
    fatal ??= err instanceof StationError ? err : asStationError(err);
  }

  function assertUsable(): void {
    if (fatal !== null) throw fatal;
    if (closing) throw new StationError('OUTBOX_STATE', 'The outbox is closed.');
  }

  /**
   * One attempt: 'sending' on disk, a CM slot, CM (send.ts), then the outcome (transitions.ts), audit
   * first. Marked sending early (all slots busy), it may be refused its slot (paused, offline, stopped):
   * it goes back to pending on disk, CM never having heard of it.
   */
  async function attempt(op: OutboxOperation, takeSlot: () => Promise<boolean>, answered: (connection: Connection) => void): Promise<void> {
    try {
      const sending = startSending(op, nowMs());
      // On disk before CM hears of it: a crash from here on is found as 'sending' at open.
      await commit(sending);
      if (!(await takeSlot())) {
        await commit(notSent(op, nowMs()));
        return;
      }
      const newSmartcardUuid = sending.kind === 'retire' ? newCardFor(sending, store.values()) : null;
      const outcome = await sendToCm(cm, sending, { newSmartcardUuid, nowIso: iso(nowMs()) });
      const { next, entry, connection } = settleSend(sending, outcome, { actor, now: nowMs(), backoff, random });
      answered(connection);
      // The audit entry goes first: after a crash in between, the outcome is audited twice at
      // worst (the resend is settled by proof), never missing.
      await audit.append(entry);
      // 'done' waits for the next flush of the journal (a later operation's 'sending', or close):
      // the audit entry above is on disk, and a power cut that loses the record leaves 'sending',
      // which the next start proves in CM (bound, or already Retired) before anything is sent. Every
      // later send flushes it first (same journal, in order). One flush fewer a replayed operation:
      // replay read 0.947 and 0.972 of the bare loop against 0.917 and 0.941 (nine rounds, netns).
      await commit(next, outcome.kind === 'done' ? 'with-next' : 'now');
    } catch (err) {
      fail(err);
    }
  }

  const scheduler = createScheduler({
    store,
    busy,
    concurrency: options.concurrency,
    nowMs,
    timers: options.timers ?? systemTimers,
    mayRun: () => fatal === null && !closing,
    failure: () => fatal,
    attempt,
  });
  const { pump } = scheduler;

  function find(id: string): OutboxOperation {
    const op = store.get(id);
    if (op === undefined) throw new StationError('OUTBOX_NOT_FOUND', 'This queued operation no longer exists.', { id });
    return op;
  }

  /**
   * An operator's action on an operation the scheduler is carrying out right now (a send, or a held
   * retire's check of the new card) waits for that step to be recorded, then decides on the state
   * it left: "Retire now" pressed while the hold is being checked is not refused for bad timing.
   */
  async function claimForOperator(id: string, verb: string): Promise<OutboxOperation> {
    assertUsable();
    if (busy.has(id)) await busy.idle(id, OPERATOR_WAIT_MS);
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

  /** An operator's change: audited first, then recorded; the operation is busy meanwhile. */
  async function operatorChange(id: string, { entry, next }: OperatorChange): Promise<OutboxOperation> {
    try {
      await audit.append(entry);
      await commit(next);
      return next;
    } catch (err) {
      fail(err);
      throw asStationError(err);
    } finally {
      busy.delete(id);
      pump();
    }
  }

  /** A retire still waiting on a bind the operator gave up on must not go ahead on its own. */
  async function holdRetiresOf(requestId: string): Promise<void> {
    for (const id of [...store.idsOfRequest(requestId)]) {
      const op = store.get(id);
      if (op?.kind !== 'retire' || op.state !== 'pending' || busy.has(id)) continue;
      busy.add(id);
      await operatorChange(id, heldBackChange(op, actor, nowMs()));
    }
  }

  return {
    async enqueue(input) {
      assertUsable();
      const parsed = outboxOperationInputSchema.safeParse(input);
      if (!parsed.success) {
        throw new StationError('BAD_REQUEST', 'The operation to queue is not valid.', { problem: parsed.error.message.slice(0, 300) });
      }
      const op = newOperation(parsed.data, newId(), nowMs());
      // Held back from the scheduler until "queued" is audited, so the audit trail stays in order.
      busy.add(op.id);
      try {
        await store.add(op);
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

    list: () => [...store.values()],

    async retry(id) {
      const op = await claimForOperator(id, 'retried');
      scheduler.unpause(); // the operator asks for a send now
      return operatorChange(id, retryChange(op, actor, nowMs()));
    },

    async releaseHold(id) {
      const op = await claimForOperator(id, 'released');
      let change: OperatorChange;
      try {
        change = releaseHoldChange(op, actor, nowMs());
      } catch (err) {
        busy.delete(id);
        throw err;
      }
      return operatorChange(id, change);
    },

    async discard(id, reason) {
      const why = reason.trim();
      if (why.length === 0) throw new StationError('BAD_REQUEST', 'Say why the operation is discarded; the reason is audited.');
      const op = await claimForOperator(id, 'discarded');
      // Audited before it takes effect: a discard is never unrecorded.
      const next = await operatorChange(id, discardChange(op, why, actor, nowMs()));
      try {
        if (op.kind === 'bind') await holdRetiresOf(op.requestId);
      } finally {
        pump();
      }
      return next;
    },

    subscribe: (listener) => store.subscribe(listener),

    async replayNow() {
      assertUsable();
      await scheduler.replayNow();
    },

    idle: () => scheduler.idle(),
    setOnline: (value) => scheduler.setOnline(value),
    start: () => scheduler.start(),
    stop: () => scheduler.stop(),

    async compact() {
      assertUsable();
      await store.compact((id) => busy.has(id));
    },

    recovery: store.recovery,

    async close() {
      if (closing) return;
      closing = true;
      scheduler.stop();
      await scheduler.idle();
      await store.close();
    },
  };
}
