import { z } from 'zod';
import { auditEntrySchema, auditQuerySchema } from './audit';
import { cmRequestSchema, guidSchema } from './cm';
import { batchSetSchema, batchStateSchema, cardReadingSchema, enrollmentStateSchema, requestSearchResultSchema, requestSearchSchema } from './enrollment';
import { cmCheckReportSchema } from './cm-check';
import { diagnosticsReportSchema, rendererErrorReportSchema, supportBundleResultSchema } from './diagnostics';
import { DIRECTORY_KINDS, directoryAnswerSchema, directoryResolveSchema } from './directory';
import { errorPayloadSchema } from './errors';
import { issuancePinSchema, issuanceStateSchema } from './issuance';
import { outboxDiscardRequestSchema, outboxListSchema, outboxOperationSchema, outboxReleaseRequestSchema, outboxRetryRequestSchema } from './outbox';
import { type EventChannel, type InvokeChannel } from './channels';
import { readerRefSchema, readersSnapshotSchema } from './readers';
import { settingsUpdateSchema, settingsViewSchema } from './settings';

/**
 * The station's one contract: every channel with the zod schema of what it carries (the bare
 * names live in channels.ts for the preload; the compiler keeps the two in step). The preload bridge, the Electron IPC registration, the host's WebSocket dispatcher and the
 * renderer's client are all derived from these two maps, so adding a channel is one entry here plus
 * its handler in station.ts (the compiler insists on the handler).
 *
 * Everything here must be JSON-safe: the host carries it as JSON, Electron as structured clone.
 */

const empty = z.object({}).strict();

export const connectionStateSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('online'), since: z.string() }),
  z.object({ mode: z.literal('offline'), since: z.string(), reason: z.string() }),
  z.object({ mode: z.literal('unconfigured') }),
]);
export type ConnectionState = z.infer<typeof connectionStateSchema>;

export const stationSnapshotSchema = z.object({
  version: z.string(),
  training: z.boolean(),
  readers: readersSnapshotSchema,
  cards: z.array(cardReadingSchema),
  enrollment: z.array(enrollmentStateSchema),
  batch: batchStateSchema,
  connection: connectionStateSchema,
  settings: settingsViewSchema,
  /** Which directory names people ('none': the station shows GUIDs and says names are unavailable). */
  directory: z.object({ kind: z.enum(DIRECTORY_KINDS) }),
  /** Desk issuance, one state per reader that has one (an idle reader may be absent); policy: settings.values.issueAtDesk. */
  issuance: z.array(issuanceStateSchema),
});
export type StationSnapshot = z.infer<typeof stationSnapshotSchema>;

export const sampleCardSchema = z.object({ id: z.string(), label: z.string(), atr: z.string() });
export const trainingInfoSchema = z.object({ readers: z.array(z.string()), samples: z.array(sampleCardSchema) });

export const auditExportResultSchema = z.object({ path: z.string(), rows: z.number().int().nonnegative() });

export const invokeChannels = {
  'station.snapshot': { request: empty, response: stationSnapshotSchema },
  'readers.list': { request: empty, response: readersSnapshotSchema },
  /** Reads the card in a reader again (ATR, identifier, what CM knows). */
  'card.read': { request: readerRefSchema, response: cardReadingSchema },
  'requests.search': { request: requestSearchSchema, response: requestSearchResultSchema },
  'requests.get': { request: z.strictObject({ requestId: guidSchema }), response: cmRequestSchema },
  /** Picks the request for the card in `reader`; optionally the user's card it replaces. */
  'enrollment.choose': {
    request: readerRefSchema.extend({
      requestId: guidSchema,
      replaceSmartcardUuid: guidSchema.nullable().default(null),
      /** The operator acknowledged that the request's type number is unconfirmed (request-types.ts). */
      acceptUnconfirmedType: z.boolean().default(false),
    }),
    response: enrollmentStateSchema,
  },
  /** The operator confirmed: re-check the card, then bind (and retire the replaced card). */
  'enrollment.bind': { request: readerRefSchema, response: enrollmentStateSchema },
  /** Back to the card (drops the chosen request) or, after submission, ready for the next card. */
  'enrollment.reset': { request: readerRefSchema, response: enrollmentStateSchema },
  'outbox.list': { request: empty, response: outboxListSchema },
  'outbox.retry': { request: outboxRetryRequestSchema, response: outboxOperationSchema },
  /** Send everything pending now, ignoring back-off; resolves when nothing is left in flight. */
  'outbox.replay': { request: empty, response: outboxListSchema },
  'outbox.discard': { request: outboxDiscardRequestSchema, response: outboxOperationSchema },
  /** "Retire now": a retire held for its new card goes ahead (the operator confirmed; audited). */
  'outbox.releaseHold': { request: outboxReleaseRequestSchema, response: outboxOperationSchema },
  'audit.query': { request: auditQuerySchema, response: z.array(auditEntrySchema) },
  /** Writes a CSV into the audit export folder from settings; the renderer never names a path. */
  'audit.exportCsv': { request: auditQuerySchema, response: auditExportResultSchema },
  'settings.get': { request: empty, response: settingsViewSchema },
  /** Training mode only (TRAINING_FORBIDDEN otherwise): the simulated readers and sample cards. */
  'training.info': { request: empty, response: trainingInfoSchema },
  'training.insertCard': { request: readerRefSchema.extend({ sampleId: z.string().min(1).max(50) }), response: empty },
  'training.removeCard': { request: readerRefSchema, response: empty },
  /** Back to the simulator's seeded directory, so every sample card can be bound again. */
  'training.reset': { request: empty, response: empty },
  'settings.update': { request: settingsUpdateSchema, response: settingsViewSchema },
  /** The service, every reader and card with the ATR's full meaning (also: npm run diag). */
  'diagnostics.run': { request: empty, response: diagnosticsReportSchema },
  /** Read-only first contact with CM (also: npm run station -- cm-check). Only GETs are sent. */
  'cm.check': { request: empty, response: cmCheckReportSchema },
  /** Bulk mode: work through these requests in order, one per card read (see BatchState). */
  'batch.set': { request: batchSetSchema, response: batchStateSchema },
  'batch.clear': { request: empty, response: batchStateSchema },
  /** Names and accounts for CM user GUIDs (card panel, confirmation); `unconfigured` without a directory. */
  'directory.resolve': { request: directoryResolveSchema, response: directoryAnswerSchema },
  /** The renderer's own failures, for the diagnostic log (rate-limited in main; text only, never acted on). */
  'diagnostics.reportError': { request: rendererErrorReportSchema, response: z.strictObject({ accepted: z.boolean() }) },
  /** Writes a support bundle into the export folder (the renderer never names a path). */
  'diagnostics.supportBundle': { request: empty, response: supportBundleResultSchema },
  // Desk issuance (shared/issuance.ts, ../shared/docs/desk-issuance.md): the enrollment screen after the bind.
  /** The issuance in a reader (idle when there is none). */
  'issuance.get': { request: readerRefSchema, response: issuanceStateSchema },
  /** "Issue now" after the bind; also resumes a paused issuance. */
  'issuance.start': { request: readerRefSchema, response: issuanceStateSchema },
  /** "Bind only": the card stays bound, the request is executed elsewhere. */
  'issuance.skip': { request: readerRefSchema, response: issuanceStateSchema },
  /** The hand-over screen's PIN, typed twice (never echoed back, never journaled or logged). */
  'issuance.submitPin': { request: issuancePinSchema, response: issuanceStateSchema },
  /** The server-proposed PIN was shown: main forgets it. */
  'issuance.pinSeen': { request: readerRefSchema, response: issuanceStateSchema },
  /** Cancel at a safe point only (WORKFLOW_STATE otherwise). */
  'issuance.cancel': { request: readerRefSchema, response: issuanceStateSchema },
} as const satisfies Record<InvokeChannel, { request: z.ZodType; response: z.ZodType }>;

export const eventChannels = {
  'readers.changed': readersSnapshotSchema,
  'card.changed': z.object({ reader: z.string(), reading: cardReadingSchema.nullable() }),
  'connection.changed': connectionStateSchema,
  'outbox.changed': outboxListSchema,
  'enrollment.changed': enrollmentStateSchema,
  'settings.changed': settingsViewSchema,
  'batch.changed': batchStateSchema,
  'issuance.changed': issuanceStateSchema,
} as const satisfies Record<EventChannel, z.ZodType>;

export type InvokeRequest<C extends InvokeChannel> = z.input<(typeof invokeChannels)[C]['request']>;
export type InvokeResponse<C extends InvokeChannel> = z.output<(typeof invokeChannels)[C]['response']>;
export type EventPayload<E extends EventChannel> = z.output<(typeof eventChannels)[E]>;

/** What every invoke returns across a process boundary: errors travel as data, never as throws. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: z.infer<typeof errorPayloadSchema> };
export const envelopeSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: errorPayloadSchema }),
]);

/**
 * The bridge the renderer sees, whichever process boundary carries it (Electron preload or the
 * host's WebSocket). Listeners receive payloads only, never a transport event object.
 */
export interface StationBridge {
  invoke<C extends InvokeChannel>(channel: C, request: InvokeRequest<C>): Promise<Envelope<InvokeResponse<C>>>;
  on<E extends EventChannel>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

export {
  EVENT_CHANNELS,
  INVOKE_CHANNELS,
  IPC_EVENT_PREFIX,
  IPC_INVOKE_PREFIX,
  isEventChannel,
  isInvokeChannel,
  type EventChannel,
  type InvokeChannel,
} from './channels';
