import type { ErrorCode } from '../../shared/errors';

/** The CLI's exit codes: what an IT script branches on (README documents them). */
export const EXIT = {
  done: 0,
  failed: 1,
  badInput: 2,
  refusedByCm: 3,
  queued: 4,
  noCard: 5,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * What each error means to an IT script. A Record, so a new error code does not build until
 * someone decides its exit code (a forgotten code would silently become exit 1).
 */
const EXIT_FOR: Readonly<Record<ErrorCode, ExitCode>> = {
  // Bad input: nothing was read or changed.
  BAD_REQUEST: EXIT.badInput,
  SETTINGS_INVALID: EXIT.badInput,
  WORKFLOW_STATE: EXIT.badInput,
  // The folder belongs to another station process for now.
  DATA_FOLDER_IN_USE: EXIT.badInput,
  // Nothing is sent for these: the request cannot (or may not yet) take a new card.
  REQUEST_TYPE_NOT_BINDABLE: EXIT.badInput,
  REQUEST_TYPE_UNCONFIRMED: EXIT.badInput,
  // Desk issuance refused before anything was written (the card or the policy cannot do it, or
  // the PIN typed does not fit).
  PIV_NOT_PRESENT: EXIT.badInput,
  PIV_ADMIN_KEY_NOT_3DES: EXIT.badInput,
  ISSUANCE_NOT_ALLOWED: EXIT.badInput,
  ISSUANCE_CARD_NOT_ISSUABLE: EXIT.badInput,
  ISSUANCE_PIN_MISMATCH: EXIT.badInput,
  ISSUANCE_PIN_RULES: EXIT.badInput,
  PIV_PIN_WRONG: EXIT.badInput,
  PIV_PIN_BLOCKED: EXIT.badInput,
  // No card, or not the card the work started with.
  PCSC_NO_CARD: EXIT.noCard,
  PCSC_CARD_REMOVED: EXIT.noCard,
  PCSC_READER_NOT_FOUND: EXIT.noCard,
  PCSC_NO_READERS: EXIT.noCard,
  PCSC_SERVICE_DOWN: EXIT.noCard,
  PCSC_SHARING_VIOLATION: EXIT.noCard,
  PCSC_UNRESPONSIVE_CARD: EXIT.noCard,
  PCSC_CARD_RESET: EXIT.noCard,
  CARD_MISMATCH: EXIT.noCard,
  CARD_UNIDENTIFIED: EXIT.noCard,
  NO_CARD: EXIT.noCard,
  ISSUANCE_WRONG_CARD: EXIT.noCard,
  // CM answered, and the answer was no (or cannot be used).
  CM_AUTH_FAILED: EXIT.refusedByCm,
  CM_FORBIDDEN: EXIT.refusedByCm,
  CM_API_DISABLED: EXIT.refusedByCm,
  CM_NOT_FOUND: EXIT.refusedByCm,
  CM_CLIENT_ERROR: EXIT.refusedByCm,
  CM_CONFLICT: EXIT.refusedByCm,
  CM_REDIRECTED: EXIT.refusedByCm,
  CM_CARD_IN_USE: EXIT.refusedByCm,
  CM_REFUSED: EXIT.refusedByCm,
  CM_UNPROVEN: EXIT.refusedByCm,
  CM_MALFORMED_RESPONSE: EXIT.refusedByCm,
  REQUEST_NOT_BINDABLE: EXIT.refusedByCm,
  ISSUANCE_CERTIFICATE_COUNT: EXIT.refusedByCm,
  ISSUANCE_CERTIFICATE_NO_KEY: EXIT.refusedByCm,
  ISSUANCE_BAD_CMS: EXIT.refusedByCm,
  // Resumable once CM is back: the bind is queued and issuance continues from where it stopped.
  ISSUANCE_NEEDS_CM: EXIT.queued,
  // The station stopped mid-issuance: running `issue` again resumes it.
  ISSUANCE_INTERRUPTED: EXIT.queued,
  // CM_OFFLINE and friends thrown here mean nothing could even be queued (e.g. the request is not
  // in the offline copy): a plain failure. Exit 4 is only ever for an operation that is queued.
  CM_OFFLINE: EXIT.failed,
  CM_TIMEOUT: EXIT.failed,
  CM_SERVER_ERROR: EXIT.failed,
  CM_OUTCOME_UNKNOWN: EXIT.failed,
  // Everything else needs a person or is a fault of the station itself.
  UNKNOWN_CHANNEL: EXIT.failed,
  FORBIDDEN_SENDER: EXIT.failed,
  INTERNAL: EXIT.failed,
  HOST_BUSY: EXIT.failed,
  PCSC_IO: EXIT.failed,
  PCSC_UNKNOWN: EXIT.failed,
  ATR_INVALID: EXIT.failed,
  TLV_INVALID: EXIT.failed,
  APDU_INVALID: EXIT.failed,
  OUTBOX_NOT_FOUND: EXIT.failed,
  OUTBOX_STATE: EXIT.failed,
  STORAGE_CORRUPT: EXIT.failed,
  STORAGE_IO: EXIT.failed,
  SETTING_LOCKED: EXIT.failed,
  SETTING_MACHINE_ONLY: EXIT.failed,
  EXPORT_FOLDER_REFUSED: EXIT.failed,
  POLICY_INVALID: EXIT.failed,
  TRAINING_FORBIDDEN: EXIT.failed,
  PIV_ADMIN_AUTH_FAILED: EXIT.failed,
  PIV_SECURITY_STATUS: EXIT.failed,
  PIV_CARD_ERROR: EXIT.failed,
  ISSUANCE_NEEDS_PERSON: EXIT.failed,
};

export function exitCodeFor(code: ErrorCode): ExitCode {
  return EXIT_FOR[code];
}
