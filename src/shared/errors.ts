import { z } from 'zod';

/**
 * Every error that crosses a boundary (IPC, WebSocket, CLI --json) has a stable `code`, an
 * operator-facing `message`, and JSON-safe `details`. Codes are grouped by capability; a code is
 * never renamed once shipped (the renderer and IT scripts key on it).
 */
export const ERROR_CODES = [
  // contract / generic
  'BAD_REQUEST',
  'UNKNOWN_CHANNEL',
  'FORBIDDEN_SENDER',
  'INTERNAL',
  /** The host refused a request: too many in flight on one connection. */
  'HOST_BUSY',
  // PC/SC
  'PCSC_SERVICE_DOWN',
  'PCSC_NO_READERS',
  'PCSC_READER_NOT_FOUND',
  'PCSC_NO_CARD',
  'PCSC_SHARING_VIOLATION',
  'PCSC_CARD_REMOVED',
  'PCSC_CARD_RESET',
  'PCSC_UNRESPONSIVE_CARD',
  'PCSC_IO',
  'PCSC_UNKNOWN',
  // parsers
  'ATR_INVALID',
  'TLV_INVALID',
  'APDU_INVALID',
  // CM REST
  'CM_OFFLINE',
  'CM_TIMEOUT',
  'CM_AUTH_FAILED',
  'CM_FORBIDDEN',
  'CM_API_DISABLED',
  'CM_NOT_FOUND',
  'CM_CLIENT_ERROR',
  'CM_SERVER_ERROR',
  'CM_MALFORMED_RESPONSE',
  'CM_CONFLICT',
  // CM reality (#9): a redirect, an answer that proves nothing, a card in use, a refusal verified 3 times
  'CM_REDIRECTED',
  'CM_OUTCOME_UNKNOWN',
  'CM_CARD_IN_USE',
  'CM_REFUSED',
  'CM_UNPROVEN',
  // enrollment workflow
  'CARD_MISMATCH',
  'CARD_UNIDENTIFIED',
  'NO_CARD',
  'REQUEST_NOT_BINDABLE',
  'REQUEST_TYPE_NOT_BINDABLE',
  'REQUEST_TYPE_UNCONFIRMED',
  'WORKFLOW_STATE',
  // outbox / audit
  'OUTBOX_NOT_FOUND',
  'OUTBOX_STATE',
  'STORAGE_CORRUPT',
  'STORAGE_IO',
  // settings / policy
  'SETTING_LOCKED',
  /** A machine-only key (set by IT through OS policy, never by the operator or the renderer). */
  'SETTING_MACHINE_ONLY',
  /** The audit export folder is a network (UNC) path that machine policy did not set. */
  'EXPORT_FOLDER_REFUSED',
  'SETTINGS_INVALID',
  'POLICY_INVALID',
  /** Another station process (desktop app, host, CLI) writes this data folder right now. */
  'DATA_FOLDER_IN_USE',
  'TRAINING_FORBIDDEN',
  // desk issuance (#16): the PIV card and the issuance steps
  'PIV_NOT_PRESENT',
  'PIV_ADMIN_KEY_NOT_3DES',
  'PIV_ADMIN_AUTH_FAILED',
  'PIV_PIN_WRONG',
  'PIV_PIN_BLOCKED',
  'PIV_SECURITY_STATUS',
  'PIV_CARD_ERROR',
  'ISSUANCE_NOT_ALLOWED',
  'ISSUANCE_CARD_NOT_ISSUABLE',
  'ISSUANCE_WRONG_CARD',
  'ISSUANCE_CERTIFICATE_COUNT',
  'ISSUANCE_CERTIFICATE_NO_KEY',
  'ISSUANCE_BAD_CMS',
  'ISSUANCE_PIN_MISMATCH',
  'ISSUANCE_PIN_RULES',
  'ISSUANCE_NEEDS_PERSON',
  'ISSUANCE_NEEDS_CM',
  /** The station stopped in the middle of an issuance (a crash, a restart): it continues when its card is in a reader. */
  'ISSUANCE_INTERRUPTED',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Values the renderer may put into its own wording of a code (`errors.message.<CODE>`). */
export const errorParamsSchema = z.record(z.string(), z.union([z.string(), z.number()]));
export type ErrorParams = z.infer<typeof errorParamsSchema>;

/**
 * `message` is English for logs, the CLI and IT; the renderer never shows it: it words `code`
 * (with `params`) in the operator's language.
 */
export const errorPayloadSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).default({}),
  params: errorParamsSchema.optional(),
});
export type ErrorPayload = z.infer<typeof errorPayloadSchema>;

/** JSON-safe detail values only: the payload is structured-cloned or JSON-encoded across processes. */
export type ErrorDetails = Record<string, string | number | boolean | null | readonly string[]>;

/** The one error class the station throws at its boundaries. */
export class StationError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;
  /** For the renderer's wording; by default the details that are plain strings and numbers. */
  readonly params: ErrorParams;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}, params?: ErrorParams) {
    super(message);
    this.name = 'StationError';
    this.code = code;
    this.details = details;
    this.params = params ?? paramsOf(details);
  }

  /** Rebuild the error on the receiving side; its details were JSON-safe when they were sent. */
  static fromPayload(payload: ErrorPayload): StationError {
    return new StationError(payload.code, payload.message, payload.details as ErrorDetails, payload.params);
  }

  toPayload(): ErrorPayload {
    return { code: this.code, message: this.message, details: { ...this.details }, params: { ...this.params } };
  }
}

function paramsOf(details: ErrorDetails): ErrorParams {
  const params: ErrorParams = {};
  for (const [key, value] of Object.entries(details)) {
    if (typeof value === 'string' || typeof value === 'number') params[key] = value;
  }
  return params;
}

/** Turn anything thrown into a payload; unknown errors never leak stack traces to the operator. */
export function toErrorPayload(err: unknown): ErrorPayload {
  if (err instanceof StationError) return err.toPayload();
  return { code: 'INTERNAL', message: 'An unexpected error occurred inside the station.', details: {} };
}
