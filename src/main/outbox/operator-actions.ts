import { StationError } from '../../shared/errors';
import type { OutboxOperation } from '../../shared/outbox';
import { AUDIT_ACTIONS_BY_KIND, auditEntryFor, toOutboxError } from './transitions';
import type { AuditEntryInput } from '../../shared/audit';

/**
 * What an operator's action does to an operation, as pure functions (like transitions.ts): the
 * next state and the audit entry, which the outbox records audit-first.
 */
export interface OperatorChange {
  next: OutboxOperation;
  entry: AuditEntryInput;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** Send again now, with a fresh refusal count: the operator read CM's answer and decided to try again. */
export function retryChange(op: OutboxOperation, actor: string, now: number): OperatorChange {
  // A Retire request CM denied, canceled or failed is over: retrying creates a new one.
  const ended = op.kind === 'retire' && op.lastError?.code === 'RETIRE_REQUEST_ENDED' && op.retireRequestId !== null;
  return {
    next: { ...op, state: 'pending', nextAttemptAt: null, updatedAt: iso(now), refusals: 0, checkedRefusals: 0, ...(ended ? { retireRequestId: null } : {}) },
    entry: auditEntryFor(actor, op, 'outbox.retry', 'info', { error: op.lastError, message: 'Retry requested by the operator.' }),
  };
}

/** "Retire now": a held retire stops waiting for its new card. Only for a retire that waits. */
export function releaseHoldChange(op: OutboxOperation, actor: string, now: number): OperatorChange {
  if (op.kind !== 'retire' || op.waitFor === null) {
    throw new StationError('OUTBOX_STATE', 'Only a retire that waits for the new card can be released.', { id: op.id });
  }
  return {
    next: { ...op, waitFor: null, state: 'pending', nextAttemptAt: null, updatedAt: iso(now) },
    entry: auditEntryFor(actor, op, 'outbox.retry', 'info', {
      message: 'Retire now: the operator confirmed retiring this card without waiting for the new card to be Active.',
    }),
  };
}

/** Give up on it; the reason is audited. */
export function discardChange(op: OutboxOperation, reason: string, actor: string, now: number): OperatorChange {
  return {
    next: { ...op, state: 'discarded', nextAttemptAt: null, updatedAt: iso(now) },
    entry: auditEntryFor(actor, op, 'outbox.discard', 'info', { error: op.lastError, message: reason }),
  };
}

/** A retire whose bind was discarded must not go ahead on its own: a person decides. */
export function heldBackChange(op: OutboxOperation, actor: string, now: number): OperatorChange {
  const error = new StationError(
    'OUTBOX_STATE',
    'The bind for this request was discarded, so this retire was held back. Retry to retire the card anyway, or discard it.',
  );
  return {
    next: { ...op, state: 'needs-attention', updatedAt: iso(now), nextAttemptAt: null, lastError: toOutboxError(error) },
    entry: auditEntryFor(actor, op, AUDIT_ACTIONS_BY_KIND.retire.failed, 'failed', { error }),
  };
}
