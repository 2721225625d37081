import type { AuditAction, AuditEntryInput } from '../../shared/audit';
import { StationError } from '../../shared/errors';
import type { z } from 'zod';
import { operationIdSchema, type OutboxError, type OutboxOperation, type outboxOperationInputSchema } from '../../shared/outbox';
import { backoffDelay, type BackoffPolicy } from '../common';
import { classifyFailure, correlationIdOf } from './classify';
import { refusalsExhausted, refusedError } from './refusals';
import type { CmOutcome } from './send';

/**
 * The outbox's state transitions as pure functions: given an operation and what happened, its next
 * state and the audit entry that records it. No I/O and no clock reads, so every rule is testable
 * on its own and the outbox only decides when to apply them.
 */

export const AUDIT_ACTIONS_BY_KIND = {
  bind: { queued: 'bind.queued', deferred: 'bind.deferred', done: 'bind.done', failed: 'bind.failed' },
  retire: { queued: 'retire.queued', deferred: 'retire.deferred', done: 'retire.done', failed: 'retire.failed' },
} as const satisfies Record<OutboxOperation['kind'], Record<string, AuditAction>>;

export function toOutboxError(err: StationError): OutboxError {
  const server = err.details.serverMessage;
  return {
    code: err.code,
    message: err.message,
    correlationId: correlationIdOf(err),
    serverMessage: typeof server === 'string' ? server.slice(0, 2048) : null,
  };
}

const iso = (ms: number): string => new Date(ms).toISOString();

export function auditEntryFor(
  actor: string,
  op: OutboxOperation,
  action: AuditAction,
  result: AuditEntryInput['result'],
  extra: { error?: StationError | OutboxError | null; message?: string | null; smartcardUuid?: string | null } = {},
): AuditEntryInput {
  const bind = op.kind === 'bind' ? op : null;
  const error = extra.error ?? null;
  return {
    actor,
    action,
    reader: bind?.reader ?? null,
    cardId: bind?.cardId ?? null,
    atr: bind?.atr ?? null,
    requestId: op.requestId,
    smartcardUuid: extra.smartcardUuid ?? (op.kind === 'retire' ? op.smartcardUuid : (op.result?.smartcardUuid ?? null)),
    result,
    code: error?.code ?? null,
    correlationId: error === null ? null : error instanceof StationError ? correlationIdOf(error) : error.correlationId,
    message: extra.message ?? error?.message ?? null,
  };
}

/**
 * A new operation from input the outbox has just parsed (outboxOperationInputSchema): the tracking
 * fields are the outbox's own (a fresh UUID, an ISO time, constants), so the whole is valid by
 * construction and the store writes it without parsing it again (OperationStore.add; a property test
 * in test/unit/outbox checks the claim against outboxOperationSchema).
 */
export function newOperation(input: z.output<typeof outboxOperationInputSchema>, id: string, atMs: number): OutboxOperation {
  // The one field from outside the outbox (an injected id maker): checked on its own.
  if (!operationIdSchema.safeParse(id).success) throw new StationError('INTERNAL', 'The outbox made an operation id that is not a UUID.', { id });
  const at = iso(atMs);
  const fresh = {
    id,
    createdAt: at,
    updatedAt: at,
    state: 'pending',
    attempts: 0,
    nextAttemptAt: null,
    lastError: null,
    result: null,
    outcomeUnknown: false,
    refusals: 0,
    checkedRefusals: 0,
    waiting: null,
  } as const;
  // Not `{ ...input, id, … }`: V8 builds that literal (a spread, then twelve more properties) about 50
  // times slower, 8 µs an operation, and every later `{ ...op, … }` of the result 10 times slower
  // (bench/outbox.ts (a), 32 in flight). Same keys in the same order, the fresh fields winning.
  return Object.assign({}, input, fresh);
}

/** The state written before CM hears of the operation. */
export function startSending(op: OutboxOperation, now: number): OutboxOperation {
  return { ...op, state: 'sending', attempts: op.attempts + 1, nextAttemptAt: null, updatedAt: iso(now) };
}

/** Marked sending but never sent (its slot was refused): pending again as it was, CM never heard of it. */
export function notSent(op: OutboxOperation, now: number): OutboxOperation {
  return { ...op, updatedAt: iso(now) };
}

export interface Settlement {
  next: OutboxOperation;
  entry: AuditEntryInput;
  /** How the line to CM looks after this answer. */
  connection: { kind: 'answered' } | { kind: 'unchanged' } | { kind: 'pause-until'; at: number };
}

export interface SettleContext {
  actor: string;
  now: number;
  backoff: BackoffPolicy;
  random: () => number;
}

/** Where a 'sending' operation goes once CM has answered (or failed to). */
export function settleSend(op: OutboxOperation, outcome: CmOutcome, ctx: SettleContext): Settlement {
  const { actor, now } = ctx;
  const actions = AUDIT_ACTIONS_BY_KIND[op.kind];
  const answered = { kind: 'answered' } as const;
  switch (outcome.kind) {
    case 'done':
      return {
        next: {
          ...op,
          state: 'done',
          updatedAt: iso(now),
          nextAttemptAt: null,
          lastError: null,
          result: { smartcardUuid: outcome.smartcardUuid },
          outcomeUnknown: false,
        },
        entry: auditEntryFor(actor, op, actions.done, 'ok', {
          smartcardUuid: outcome.smartcardUuid,
          message: outcome.how === 'proven' ? 'CM already had this done (checked in CM); not sent again.' : null,
        }),
        connection: answered,
      };
    case 'held': {
      // Not a failure: the old card stays in use until the new one is Active. Polled with back-off.
      const delay = backoffDelay(ctx.backoff, outcome.waiting.polls, ctx.random);
      return {
        next: { ...op, state: 'pending', updatedAt: iso(now), nextAttemptAt: iso(now + delay), waiting: outcome.waiting, attempts: op.attempts - 1 },
        entry: auditEntryFor(actor, op, actions.deferred, 'queued', {
          message:
            outcome.waiting.on === 'retire-request' && op.kind === 'retire'
              ? `Held until CM approves the Retire request ${op.retireRequestId ?? ''} (now ${outcome.waiting.lastStatus ?? 'unknown'}).`
              : `Held until the new card ${outcome.waiting.newSmartcardUuid ?? ''} is Active in CM (now ${outcome.waiting.lastStatus ?? 'unknown'}).`,
        }),
        connection: answered,
      };
    }
    case 'retire-request-created': {
      // Journaled before the next step: a crash from here on finds the id and never creates a second request.
      if (op.kind !== 'retire') throw new StationError('INTERNAL', 'Only a retire creates a Retire request.');
      return {
        next: {
          ...op,
          state: 'pending',
          updatedAt: iso(now),
          nextAttemptAt: null,
          lastError: null,
          outcomeUnknown: false,
          retireRequestId: outcome.retireRequestId,
          attempts: op.attempts - 1,
        },
        entry: auditEntryFor(actor, op, actions.deferred, 'queued', {
          message:
            outcome.how === 'created'
              ? `Retire request ${outcome.retireRequestId} created in CM for this card; the card is retired under it once CM approves it.`
              : `Retire request ${outcome.retireRequestId} found in CM for this card (an earlier attempt created it); not created again.`,
        }),
        connection: answered,
      };
    }
    case 'attention': {
      const lastError = toOutboxError(outcome.error);
      return {
        next: { ...op, state: 'needs-attention', updatedAt: iso(now), nextAttemptAt: null, lastError, outcomeUnknown: false },
        entry: auditEntryFor(actor, op, actions.failed, 'failed', { error: outcome.error }),
        connection: answered,
      };
    }
    case 'refused': {
      // Counted (verified not done, or unverifiable): the last allowed refusal needs a person, with CM's words.
      const checkedRefusals = op.checkedRefusals + (outcome.verified ? 1 : 0);
      if (refusalsExhausted(op.refusals)) {
        const error = refusedError(op.kind, outcome.error, { refusals: op.refusals + 1, checked: checkedRefusals });
        return {
          next: {
            ...op,
            state: 'needs-attention',
            updatedAt: iso(now),
            nextAttemptAt: null,
            lastError: toOutboxError(error),
            outcomeUnknown: !outcome.verified,
            refusals: op.refusals + 1,
            checkedRefusals,
          },
          entry: auditEntryFor(actor, op, actions.failed, 'failed', { error }),
          connection: answered,
        };
      }
      const delay = backoffDelay(ctx.backoff, op.refusals + 1, ctx.random);
      return {
        next: {
          ...op,
          state: 'pending',
          updatedAt: iso(now),
          nextAttemptAt: iso(now + delay),
          lastError: toOutboxError(outcome.error),
          outcomeUnknown: !outcome.verified,
          refusals: op.refusals + 1,
          checkedRefusals,
        },
        entry: auditEntryFor(actor, op, actions.deferred, 'queued', { error: outcome.error }),
        connection: answered,
      };
    }
    case 'failed':
      return settleFailure(op, outcome, ctx);
  }
}

function settleFailure(op: OutboxOperation, outcome: Extract<CmOutcome, { kind: 'failed' }>, ctx: SettleContext): Settlement {
  const { actor, now } = ctx;
  const actions = AUDIT_ACTIONS_BY_KIND[op.kind];
  const { error, phase } = outcome;
  const disposition = classifyFailure(error);
  // A failed lookup leaves the question open; a failed send answers it by how it failed.
  const outcomeUnknown = phase === 'lookup' ? op.outcomeUnknown : disposition.mayHaveReachedCm;
  const lastError = toOutboxError(error);
  if (disposition.kind === 'retry') {
    const delay = disposition.delay === 'max' ? ctx.backoff.maxMs : backoffDelay(ctx.backoff, op.attempts, ctx.random);
    return {
      next: { ...op, state: 'pending', updatedAt: iso(now), nextAttemptAt: iso(now + delay), lastError, outcomeUnknown },
      entry: auditEntryFor(actor, op, actions.deferred, 'queued', { error }),
      connection: disposition.pauseQueue ? { kind: 'pause-until', at: now + delay } : { kind: 'unchanged' },
    };
  }
  return {
    next: { ...op, state: 'needs-attention', updatedAt: iso(now), nextAttemptAt: null, lastError, outcomeUnknown },
    entry: auditEntryFor(actor, op, actions.failed, 'failed', { error }),
    connection: { kind: 'unchanged' },
  };
}
