import type { StepOutcome } from '../../shared/enrollment';
import type { ErrorPayload } from '../../shared/errors';
import type { OutboxError, OutboxOperation } from '../../shared/outbox';

/**
 * How an outbox operation reads on the enrollment screen. A pending operation is "sending" while CM
 * is reachable and nothing has failed yet; otherwise it is "queued" (saved, will be sent later).
 */
export function outcomeOf(op: OutboxOperation, online: boolean): StepOutcome {
  const operationId = op.id;
  switch (op.state) {
    case 'done': {
      // A retire's result is the card it retired; a bind's is the new CM card.
      const smartcardUuid = op.result?.smartcardUuid ?? (op.kind === 'retire' ? op.smartcardUuid : null);
      if (smartcardUuid) return { state: 'done', operationId, smartcardUuid };
      return {
        state: 'needs-attention',
        operationId,
        error: { code: 'CM_MALFORMED_RESPONSE', message: 'CM did not say which smart card it created.', details: {} },
      };
    }
    case 'sending':
      return { state: 'sending', operationId };
    case 'pending':
      // A held retire is not failing: the old card stays in use until the new one is Active.
      if (op.kind === 'retire' && op.waitFor === 'new-card-active' && op.waiting !== null && !op.lastError) {
        return {
          state: 'queued',
          operationId,
          // English for logs and the CLI; the renderer words `held` in the operator's language.
          reason: `Held: the old card is retired once the new card ${op.waiting.newSmartcardUuid ?? ''} is Active in CM (now ${op.waiting.lastStatus ?? 'unknown'}).`,
          error: null,
          held: { newSmartcardUuid: op.waiting.newSmartcardUuid, lastStatus: op.waiting.lastStatus },
        };
      }
      return online && !op.lastError
        ? { state: 'sending', operationId }
        : {
            state: 'queued',
            operationId,
            reason: op.lastError?.message ?? 'CM is not reachable right now.',
            error: op.lastError ? errorOf(op.lastError) : null,
          };
    case 'needs-attention':
    case 'discarded':
      return {
        state: 'needs-attention',
        operationId,
        error:
          op.state === 'discarded'
            ? { code: 'OUTBOX_STATE', message: 'This operation was discarded from the outbox.', details: {} }
            : op.lastError
              ? errorOf(op.lastError)
              : { code: 'OUTBOX_STATE', message: 'CM refused this operation.', details: {} },
      };
  }
}

/** An outbox error as the screen shows it: the correlation id stays one click away. */
function errorOf(error: OutboxError): ErrorPayload {
  return { code: error.code, message: error.message, details: { correlationId: error.correlationId } };
}
