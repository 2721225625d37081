import { z } from 'zod';
import { guidSchema } from './cm';
import { ERROR_CODES } from './errors';
import { hexSchema } from './readers';

/**
 * The outbox: CM operations the station owes, kept durably until CM has confirmed them. These
 * schemas describe what the renderer sees and what the outbox journal stores (the same JSON), so
 * every record read back from disk is validated against them.
 */

export const OUTBOX_STATES = ['pending', 'sending', 'done', 'needs-attention', 'discarded'] as const;
export const outboxStateSchema = z.enum(OUTBOX_STATES);
export type OutboxState = z.infer<typeof outboxStateSchema>;

/** Bind a physical card to an approved request: `POST /smartcards`. */
export const bindOperationInputSchema = z.strictObject({
  kind: z.literal('bind'),
  requestId: guidSchema,
  /** The identifier read from the card (see pcsc.md): what CM stores as the serial. */
  cardId: z.string().min(1).max(200),
  atr: hexSchema.min(2),
  reader: z.string().min(1).max(200),
});

/** Retire a card in CM: `PUT /requests/{requestId}/smartcards/{smartcardUuid}` `{"status":"Retired"}`. */
export const retireOperationInputSchema = z.strictObject({
  kind: z.literal('retire'),
  requestId: guidSchema,
  /** CM's Uuid of the card to retire (not the physical card id). */
  smartcardUuid: guidSchema,
});

/** What the workflow hands to `enqueue`. */
export const outboxOperationInputSchema = z.discriminatedUnion('kind', [
  bindOperationInputSchema,
  retireOperationInputSchema,
]);
export type OutboxOperationInput = z.infer<typeof outboxOperationInputSchema>;

export const outboxErrorSchema = z.strictObject({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  correlationId: z.string().nullable(),
});
export type OutboxError = z.infer<typeof outboxErrorSchema>;

const isoTime = z.iso.datetime();

const trackingShape = {
  id: z.uuid(),
  createdAt: isoTime,
  /** When the state last changed: retention counts from here. */
  updatedAt: isoTime,
  state: outboxStateSchema,
  /** How many times a send was started (a crash mid-send counts). */
  attempts: z.number().int().nonnegative(),
  /** When a pending operation is due again after a failure; null = as soon as possible. */
  nextAttemptAt: isoTime.nullable(),
  lastError: outboxErrorSchema.nullable(),
  /** Set once done: the CM smart card the operation bound or retired. */
  result: z.strictObject({ smartcardUuid: guidSchema }).nullable(),
  /**
   * CM may have carried out the operation without the station hearing back (timeout, connection
   * cut, crash mid-send): a bind is then settled by asking CM before it is ever sent again.
   */
  outcomeUnknown: z.boolean(),
};

export const outboxOperationSchema = z.discriminatedUnion('kind', [
  bindOperationInputSchema.extend(trackingShape),
  retireOperationInputSchema.extend(trackingShape),
]);
export type OutboxOperation = z.infer<typeof outboxOperationSchema>;

export const outboxListSchema = z.array(outboxOperationSchema);

/** Operator actions on one operation (the outbox view's buttons). */
export const outboxRetryRequestSchema = z.strictObject({ id: z.uuid() });
export const outboxDiscardRequestSchema = z.strictObject({ id: z.uuid(), reason: z.string().trim().min(1).max(500) });
