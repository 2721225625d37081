import { z } from 'zod';
import { guidSchema } from './cm';
import { ERROR_CODES } from './errors';
import { hexSchema } from './readers';
import { retireRouteSchema } from './request-types';

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
  /**
   * `new-card-active`: held until the card bound to the same request shows Active in CM (policy
   * `retireReplacedCard`, default): binding does not execute the request, so the user keeps a
   * working card until the new one is written. null: sent once the bind is done (or at once when
   * the outbox has no bind for the request, e.g. a lost card retired on its own).
   */
  waitFor: z.literal('new-card-active').nullable().default(null),
  /**
   * Which request id the status PUT takes (machine policy `retireRoute`; cm-rest-api.md "Retiring":
   * undocumented). `retire-request`: a Retire request created for the card through `POST /requests`
   * (MIMDocs/reference/create-request.md), approved if CM wants it, then
   * `PUT /requests/{retireRequestId}/smartcards/{scid}`. `replacing-request`: the PUT under
   * `requestId` itself (the reading of update-smartcard-status.md's example, an inference). Records
   * journaled before this choice existed used the replacing request.
   */
  route: retireRouteSchema.default('replacing-request'),
  /** The Retire request created in CM for this card (route `retire-request`): on disk before the PUT. */
  retireRequestId: guidSchema.nullable().default(null),
});

/** What the workflow hands to `enqueue`. */
export const outboxOperationInputSchema = z.discriminatedUnion('kind', [bindOperationInputSchema, retireOperationInputSchema]);
// Input: what callers write (defaults may be left out); the outbox stores the parsed form.
export type OutboxOperationInput = z.input<typeof outboxOperationInputSchema>;

export const outboxErrorSchema = z.strictObject({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  correlationId: z.string().nullable(),
  /** CM's own words, verbatim and bounded (2 KB), beside the station's message. */
  serverMessage: z.string().max(2048).nullable().default(null),
});
export type OutboxError = z.infer<typeof outboxErrorSchema>;

const isoTime = z.iso.datetime();
/** An outbox operation's id, as the outbox makes it and as the operator's actions name it. */
export const operationIdSchema = z.uuid();

const trackingShape = {
  id: operationIdSchema,
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
  /**
   * CM answered this operation with a refusal (500 or another non-2xx, or a 204 that proves nothing)
   * and a check showed it was not done: counted, and after MAX_VERIFIED_REFUSALS it needs attention.
   */
  refusals: z.number().int().nonnegative().default(0),
  /** Of `refusals`, those a check in CM showed were not done: the only ones the final text counts. */
  checkedRefusals: z.number().int().nonnegative().default(0),
  /** A held retire: the new card it waits for and what CM last said of it. */
  waiting: z
    .strictObject({
      /** What it waits for: the new card to be Active, or CM's approval of the Retire request. */
      on: z.enum(['new-card', 'retire-request']).default('new-card'),
      newSmartcardUuid: guidSchema.nullable(),
      lastStatus: z.string().max(100).nullable(),
      checkedAt: isoTime.nullable(),
      polls: z.number().int().nonnegative(),
    })
    .nullable()
    .default(null),
};

/** A refusal CM repeats this many times, each verified "not done", ends in needs-attention. */
export const MAX_VERIFIED_REFUSALS = 3;

export const outboxOperationSchema = z.discriminatedUnion('kind', [
  bindOperationInputSchema.extend(trackingShape),
  retireOperationInputSchema.extend(trackingShape),
]);
export type OutboxOperation = z.infer<typeof outboxOperationSchema>;

export const outboxListSchema = z.array(outboxOperationSchema);

/** Operator actions on one operation (the outbox view's buttons). */
export const outboxRetryRequestSchema = z.strictObject({ id: operationIdSchema });
/** "Retire now": the operator confirmed the retire of a held card without waiting for the new one. */
export const outboxReleaseRequestSchema = z.strictObject({ id: operationIdSchema, confirm: z.literal(true) });

/**
 * What a pending retire waits for, in words for the outbox view and the CLI; null when it waits
 * for nothing (or is not a retire). `ops` is the outbox list it belongs to.
 */
export type RetireWait =
  | { kind: 'bind'; requestId: string }
  | { kind: 'new-card-active'; newSmartcardUuid: string | null; lastStatus: string | null; checkedAt: string | null }
  /** The Retire request created for the card waits for approval in CM (its status, e.g. Pending). */
  | { kind: 'retire-request-approval'; retireRequestId: string; lastStatus: string | null; checkedAt: string | null };

export function retireWaitOf(op: OutboxOperation, ops: readonly OutboxOperation[]): RetireWait | null {
  if (op.kind !== 'retire' || (op.state !== 'pending' && op.state !== 'sending')) return null;
  const bindPending = ops.some(
    (other) =>
      other.kind === 'bind' && other.requestId === op.requestId && other.state !== 'done' && other.state !== 'discarded' && other.createdAt <= op.createdAt,
  );
  if (bindPending) return { kind: 'bind', requestId: op.requestId };
  if (op.waiting?.on === 'retire-request' && op.retireRequestId !== null) {
    return { kind: 'retire-request-approval', retireRequestId: op.retireRequestId, lastStatus: op.waiting.lastStatus, checkedAt: op.waiting.checkedAt };
  }
  if (op.waitFor !== 'new-card-active') return null;
  const bound = ops.find((other) => other.kind === 'bind' && other.requestId === op.requestId && other.state === 'done');
  return {
    kind: 'new-card-active',
    newSmartcardUuid: op.waiting?.newSmartcardUuid ?? bound?.result?.smartcardUuid ?? null,
    lastStatus: op.waiting?.lastStatus ?? null,
    checkedAt: op.waiting?.checkedAt ?? null,
  };
}

export const outboxDiscardRequestSchema = z.strictObject({ id: operationIdSchema, reason: z.string().trim().min(1).max(500) });
