import { z } from 'zod';
import { atrInfoSchema } from './atr-info';
import { errorPayloadSchema } from './errors';
import { cardIdentifierSchema, hexSchema } from './readers';

/** What `diag --json` prints and `diagnostics.run` returns: one look at the service, readers and cards. */
export const diagnosticsCardSchema = z.object({
  atr: hexSchema,
  /** Null only when the reader reported bytes that cannot be an ATR (e.g. a mute card's empty one). */
  atrInfo: atrInfoSchema.nullable(),
  /** The card model the ATR suggests (bundled table, then pcsc-tools' list), or null. */
  model: z.string().nullable(),
  /** `none` when the card offers no identifier or could not be read (then see identifierError). */
  identifier: cardIdentifierSchema,
  identifierError: errorPayloadSchema.nullable(),
});
export type DiagnosticsCard = z.infer<typeof diagnosticsCardSchema>;

export const diagnosticsReaderSchema = z.object({
  name: z.string(),
  card: diagnosticsCardSchema.nullable(),
});
export type DiagnosticsReader = z.infer<typeof diagnosticsReaderSchema>;

/**
 * What kind of gap the audit trail shows (src/main/audit/anchor.ts), worded for the operator on
 * Diagnostics (en/fr); `problems` carries the details for IT.
 */
export const AUDIT_GAP_KINDS = [
  /** A record was edited, removed or re-ordered, or the start of the log is gone. */
  'chain-broken',
  /** The log exists but its anchor does not: deleted, so a cut-off tail cannot be ruled out. */
  'anchor-missing',
  'anchor-unreadable',
  /** No log (or an emptied one) where the anchor, or the data folder, says there was one. */
  'log-missing',
  'log-replaced',
  /** Records removed from the end: fewer than the anchor counted. */
  'tail-cut',
] as const;
export type AuditGapKind = (typeof AUDIT_GAP_KINDS)[number];

/** The audit trail's hash chain as checked at start-up (src/main/audit/chain.ts). */
export const auditIntegritySchema = z.object({
  /** 'gap': records were edited, removed or re-ordered, or the log itself went missing. */
  status: z.enum(['ok', 'gap']),
  records: z.number().int().nonnegative(),
  /** The chain head (SHA-256 of the last record). */
  head: z.string().nullable(),
  problems: z.array(z.string()),
  /** One kind per problem found (absent from reports made before issue 18). */
  gaps: z.array(z.enum(AUDIT_GAP_KINDS)).optional(),
});
export type AuditIntegrity = z.infer<typeof auditIntegritySchema>;

/** The copy of audit records and health events in the OS log (src/main/os-log): best-effort, counted. */
export const osLogStatusSchema = z.object({
  /** 'none': no OS log here (`target` says why); events are dropped and counted. */
  sink: z.enum(['syslog', 'unified-log', 'event-log', 'none']),
  target: z.string(),
  written: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  /** Not written because the queue was full or there is no OS log. */
  dropped: z.number().int().nonnegative(),
  queued: z.number().int().nonnegative(),
  lastError: z.string().nullable(),
});
export type OsLogStatus = z.infer<typeof osLogStatusSchema>;

/**
 * How the station tells whether the smart card service is up (src/main/pcsc/service-probe.ts), said
 * at start and on Diagnostics as pcsc_scan says which plug'n play mechanism it uses: support reading
 * "down" needs to know what was asked.
 */
export const serviceMechanismSchema = z.discriminatedUnion('kind', [
  /** Linux and BSDs: a connection to pcscd's socket. */
  z.object({ kind: z.literal('pcscd-socket'), path: z.string() }),
  /** Windows: the Smart Card service's state from the service control manager. */
  z.object({ kind: z.literal('windows-service'), command: z.string() }),
  /** macOS: a short-lived PC/SC context. */
  z.object({ kind: z.literal('pcsc-context') }),
  /** Training: the simulated readers, no smart card service involved. */
  z.object({ kind: z.literal('simulated') }),
]);
export type ServiceMechanism = z.infer<typeof serviceMechanismSchema>;

/** The mechanism in English, for the diagnostic log and `npm run diag` (the screen translates it). */
export function describeServiceMechanism(mechanism: ServiceMechanism): string {
  switch (mechanism.kind) {
    case 'pcscd-socket':
      return `pcscd socket ${mechanism.path}`;
    case 'windows-service':
      return `Windows Smart Card service (${mechanism.command})`;
    case 'pcsc-context':
      return 'PC/SC context (macOS)';
    case 'simulated':
      return 'simulated readers (training)';
  }
}

export const diagnosticsReportSchema = z.object({
  service: z.enum(['up', 'down']),
  /** How `service` was found out (absent from reports made before issue 19). */
  mechanism: serviceMechanismSchema.optional(),
  readers: z.array(diagnosticsReaderSchema),
  /** Present when the station runs it (not `npm run diag`, which opens no data). */
  auditTrail: auditIntegritySchema.optional(),
  /** Present when the station runs it in real mode with an OS log copy. */
  osLog: osLogStatusSchema.optional(),
});
export type DiagnosticsReport = z.infer<typeof diagnosticsReportSchema>;

/** Where a renderer error was caught (the error boundary, window.onerror, an unhandled rejection). */
export const RENDERER_ERROR_SOURCES = ['error-boundary', 'window-error', 'unhandled-rejection'] as const;

/**
 * A renderer failure for the diagnostic log. Bounded (message 2 KB, stack 8 KB); main logs it as
 * text and never acts on it, so a path or URL inside is only words.
 */
export const rendererErrorReportSchema = z.strictObject({
  source: z.enum(RENDERER_ERROR_SOURCES),
  message: z.string().max(2048),
  stack: z.string().max(8192).optional(),
});
export type RendererErrorReport = z.infer<typeof rendererErrorReportSchema>;

/** `diagnostics.supportBundle`: where the zip was written (the export folder) and what it holds. */
export const supportBundleResultSchema = z.strictObject({
  path: z.string(),
  files: z.array(z.string()),
});
export type SupportBundleResult = z.infer<typeof supportBundleResultSchema>;
