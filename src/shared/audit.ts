import { z } from 'zod';
import { ERROR_CODES } from './errors';

/**
 * The audit trail: one entry per operator action and per CM outcome, append-only. The fields are
 * flat and nullable so every entry exports as one CSV row with the same columns.
 */

export const AUDIT_ACTIONS = [
  'card.inserted',
  'card.removed',
  'bind.requested',
  'bind.queued',
  /** A send failed for a reason that passes (CM offline, timeout, 5xx): it will be tried again. */
  'bind.deferred',
  'bind.done',
  'bind.failed',
  'retire.requested',
  'retire.queued',
  'retire.deferred',
  'retire.done',
  'retire.failed',
  'outbox.retry',
  'outbox.discard',
  'settings.changed',
  'training.started',
  'training.stopped',
  /** Desk issuance (issue 16): offered after a bind, each step, and how it ended. */
  'issuance.offered',
  'issuance.started',
  'issuance.step',
  'issuance.paused',
  'issuance.failed',
  'issuance.done',
  'issuance.canceled',
  'issuance.skipped',
  'issuance.chuid-written',
] as const;
export const auditActionSchema = z.enum(AUDIT_ACTIONS);
export type AuditAction = z.infer<typeof auditActionSchema>;

export const AUDIT_RESULTS = ['ok', 'queued', 'failed', 'info'] as const;
export const auditResultSchema = z.enum(AUDIT_RESULTS);

/** What a caller records; the log adds `id` and `at`. */
export const auditEntryInputSchema = z.strictObject({
  /** The OS user running the station. */
  actor: z.string().min(1),
  action: auditActionSchema,
  reader: z.string().nullable(),
  cardId: z.string().nullable(),
  atr: z.string().nullable(),
  requestId: z.string().nullable(),
  smartcardUuid: z.string().nullable(),
  result: auditResultSchema,
  code: z.enum(ERROR_CODES).nullable(),
  correlationId: z.string().nullable(),
  message: z.string().nullable(),
});
export type AuditEntryInput = z.infer<typeof auditEntryInputSchema>;

export const auditEntrySchema = auditEntryInputSchema.extend({
  id: z.uuid(),
  at: z.iso.datetime(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

/** Column order of the CSV export and of the entry itself. */
export const AUDIT_COLUMNS = [
  'at',
  'actor',
  'action',
  'result',
  'reader',
  'cardId',
  'atr',
  'requestId',
  'smartcardUuid',
  'code',
  'correlationId',
  'message',
  'id',
] as const satisfies ReadonlyArray<keyof AuditEntry>;

export const auditQuerySchema = z.strictObject({
  /** Inclusive lower bound (ISO date-time). */
  from: z.iso.datetime().optional(),
  /** Exclusive upper bound (ISO date-time). */
  to: z.iso.datetime().optional(),
  requestId: z.string().min(1).optional(),
  cardId: z.string().min(1).optional(),
  /** Keep only the most recent `limit` matches. */
  limit: z.number().int().positive().max(100_000).optional(),
});
export type AuditQuery = z.infer<typeof auditQuerySchema>;
