// No zod here: the renderer's first screen (and the host frames it validates with zod/mini) reads the
// codes without pulling in the schemas (quality.md, "Start-up and size").

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
  /** An export, support bundle or diagnostics run is already running, or ran a moment ago (issue 18). */
  'RATE_LIMITED',
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
  // CM reality, second pass (#17): an outage in front of CM, held retires that end, the owner check
  // before a retire, a card id CM cannot store, a Retire request CM has not approved yet
  'CM_UNAVAILABLE',
  'RETIRE_REQUEST_ENDED',
  'RETIRE_NEW_CARD_RETIRED',
  'RETIRE_OWNER_MISMATCH',
  'CARD_ID_UNSENDABLE',
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
  /** CM's server-generated key (PFX) does not open with the password sent, or is not a PKCS#12 the station reads. */
  'ISSUANCE_BAD_PFX',
  'ISSUANCE_PIN_MISMATCH',
  'ISSUANCE_PIN_RULES',
  'ISSUANCE_NEEDS_PERSON',
  'ISSUANCE_NEEDS_CM',
  /** The station stopped in the middle of an issuance (a crash, a restart): it continues when its card is in a reader. */
  'ISSUANCE_INTERRUPTED',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];
