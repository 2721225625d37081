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

const NO_CARD: readonly ErrorCode[] = [
  'PCSC_NO_CARD',
  'PCSC_CARD_REMOVED',
  'PCSC_READER_NOT_FOUND',
  'PCSC_NO_READERS',
  'PCSC_SERVICE_DOWN',
  'PCSC_SHARING_VIOLATION',
  'PCSC_UNRESPONSIVE_CARD',
  'PCSC_CARD_RESET',
  'CARD_MISMATCH',
  'CARD_UNIDENTIFIED',
  // The card's identifier is not one CM can store: nothing was queued; another card is needed.
  'CARD_ID_UNSENDABLE',
];
const REFUSED: readonly ErrorCode[] = [
  'CM_AUTH_FAILED',
  'CM_FORBIDDEN',
  'CM_API_DISABLED',
  'CM_NOT_FOUND',
  'CM_CLIENT_ERROR',
  'CM_CONFLICT',
  'CM_REDIRECTED',
  'CM_CARD_IN_USE',
  'CM_REFUSED',
  'CM_UNPROVEN',
  'CM_MALFORMED_RESPONSE',
  'REQUEST_NOT_BINDABLE',
];

export function exitCodeFor(code: ErrorCode): ExitCode {
  if (code === 'BAD_REQUEST' || code === 'SETTINGS_INVALID' || code === 'WORKFLOW_STATE') return EXIT.badInput;
  // Nothing was read or changed: the folder belongs to another station process for now.
  if (code === 'DATA_FOLDER_IN_USE') return EXIT.badInput;
  // Nothing is sent for these: the request cannot (or may not yet) take a new card.
  if (code === 'REQUEST_TYPE_NOT_BINDABLE' || code === 'REQUEST_TYPE_UNCONFIRMED') return EXIT.badInput;
  if (NO_CARD.includes(code)) return EXIT.noCard;
  if (REFUSED.includes(code)) return EXIT.refusedByCm;
  // CM_OFFLINE and friends thrown here mean nothing could even be queued (e.g. the request is not
  // in the offline copy): a plain failure. Exit 4 is only ever for an operation that is queued.
  return EXIT.failed;
}
