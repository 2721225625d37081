// PC/SC return codes -> StationError with an operator message. The native binding reports failures as
// Error("SCardConnect error: Sharing violation.(0x8010000b)"), so the code is read from the message.
import { StationError, type ErrorCode } from '../../shared/errors';

interface Mapping {
  readonly name: string;
  readonly code: ErrorCode;
  readonly message: string;
}

const SERVICE_DOWN = 'The smart card service is not available. The station reconnects by itself when it is back.';
const CARD_REMOVED = 'The card was removed while it was being read. Put it back in the reader and keep it there.';
const UNRESPONSIVE = 'The card does not respond. Check that it is inserted the right way round and fully, or try another card.';

const MAPPINGS: ReadonlyMap<number, Mapping> = new Map([
  [
    0x8010000b,
    {
      name: 'SCARD_E_SHARING_VIOLATION',
      code: 'PCSC_SHARING_VIOLATION',
      message: 'Another program is using the card. Close other smart card software (or wait for it to finish) and try again.',
    },
  ],
  [0x80100069, { name: 'SCARD_W_REMOVED_CARD', code: 'PCSC_CARD_REMOVED', message: CARD_REMOVED }],
  [0x80100068, { name: 'SCARD_W_RESET_CARD', code: 'PCSC_CARD_RESET', message: 'Another program reset the card while it was being read. Try again.' }],
  [0x80100066, { name: 'SCARD_W_UNRESPONSIVE_CARD', code: 'PCSC_UNRESPONSIVE_CARD', message: UNRESPONSIVE }],
  [0x80100067, { name: 'SCARD_W_UNPOWERED_CARD', code: 'PCSC_UNRESPONSIVE_CARD', message: UNRESPONSIVE }],
  [
    0x80100065,
    { name: 'SCARD_W_UNSUPPORTED_CARD', code: 'PCSC_UNRESPONSIVE_CARD', message: 'The reader cannot talk to this card. Try another card or reader.' },
  ],
  [0x8010000a, { name: 'SCARD_E_TIMEOUT', code: 'PCSC_UNRESPONSIVE_CARD', message: UNRESPONSIVE }],
  [0x8010001d, { name: 'SCARD_E_NO_SERVICE', code: 'PCSC_SERVICE_DOWN', message: SERVICE_DOWN }],
  [0x8010001e, { name: 'SCARD_E_SERVICE_STOPPED', code: 'PCSC_SERVICE_DOWN', message: SERVICE_DOWN }],
  // pcsc-lite reports a broken client/daemon socket (pcscd stopped or restarted) as a comm error, and a
  // context from before a restart as an invalid handle: both mean "re-establish", not "bad card".
  [0x80100013, { name: 'SCARD_F_COMM_ERROR', code: 'PCSC_SERVICE_DOWN', message: SERVICE_DOWN }],
  [0x80100003, { name: 'SCARD_E_INVALID_HANDLE', code: 'PCSC_SERVICE_DOWN', message: SERVICE_DOWN }],
  [0x8010002e, { name: 'SCARD_E_NO_READERS_AVAILABLE', code: 'PCSC_NO_READERS', message: 'No smart card reader is connected. Plug in a reader.' }],
  [0x80100009, { name: 'SCARD_E_UNKNOWN_READER', code: 'PCSC_READER_NOT_FOUND', message: 'The reader is no longer connected. Plug it in again.' }],
  [0x80100017, { name: 'SCARD_E_READER_UNAVAILABLE', code: 'PCSC_READER_NOT_FOUND', message: 'The reader is not available. Plug it in again.' }],
  [0x8010000c, { name: 'SCARD_E_NO_SMARTCARD', code: 'PCSC_NO_CARD', message: 'There is no card in the reader. Insert the card.' }],
  [
    0x8010000f,
    { name: 'SCARD_E_PROTO_MISMATCH', code: 'PCSC_IO', message: 'The reader and the card could not agree on a protocol. Try another card or reader.' },
  ],
  [0x80100016, { name: 'SCARD_E_NOT_TRANSACTED', code: 'PCSC_IO', message: 'The card did not complete the command. Remove it, insert it again and retry.' }],
  [0x80100002, { name: 'SCARD_E_CANCELLED', code: 'PCSC_UNKNOWN', message: 'The card operation was cancelled. Try again.' }],
]);

/** The PC/SC code in an error from the native binding, or null if there is none. */
export function pcscCodeOf(err: unknown): number | null {
  const text = err instanceof Error ? err.message : typeof err === 'string' ? err : '';
  const match = /\(0x([0-9a-fA-F]{8})\)/.exec(text);
  return match?.[1] ? Number.parseInt(match[1], 16) : null;
}

export function pcscCodeHex(code: number): string {
  return `0x${code.toString(16).padStart(8, '0')}`;
}

export interface PcscErrorContext {
  /** The PC/SC call or step that failed, e.g. 'SCardConnect'. */
  readonly operation: string;
  readonly reader?: string;
}

/** A PC/SC return code as a StationError (unknown codes become PCSC_UNKNOWN, with the code kept). */
export function pcscError(code: number, context: PcscErrorContext): StationError {
  const mapping = MAPPINGS.get(code);
  return new StationError(
    mapping?.code ?? 'PCSC_UNKNOWN',
    mapping?.message ?? 'The smart card system reported an unexpected error. Try again; if it persists, restart the station.',
    {
      pcscCode: pcscCodeHex(code),
      pcscName: mapping?.name ?? null,
      operation: context.operation,
      reader: context.reader ?? null,
    },
  );
}

/** Anything the binding threw, as a StationError (StationErrors pass through unchanged). */
export function toPcscError(err: unknown, context: PcscErrorContext): StationError {
  if (err instanceof StationError) return err;
  const code = pcscCodeOf(err);
  if (code !== null) return pcscError(code, context);
  return new StationError('PCSC_UNKNOWN', 'The smart card system failed unexpectedly. Try again.', {
    operation: context.operation,
    reader: context.reader ?? null,
    cause: err instanceof Error ? err.message : String(err),
  });
}

/**
 * A response shorter than SW1 SW2: every binding returns 0 bytes when the card is pulled mid-transmit
 * (pcsc.md), so it is reported as a removal rather than as a protocol error.
 */
export function shortResponseError(reader: string, length: number): StationError {
  return new StationError('PCSC_CARD_REMOVED', CARD_REMOVED, {
    operation: 'SCardTransmit',
    reader,
    responseLength: length,
  });
}

/** The card that was being read is no longer the one in the reader. */
export function cardRemovedError(reader: string): StationError {
  return new StationError('PCSC_CARD_REMOVED', CARD_REMOVED, { reader });
}

/** The card did not answer within the station's bound (a mute card blocks SCardTransmit forever). */
export function unresponsiveCardError(reader: string, operation: string, timeoutMs: number): StationError {
  return new StationError('PCSC_UNRESPONSIVE_CARD', UNRESPONSIVE, { operation, reader, timeoutMs });
}

export function serviceDownError(operation: string): StationError {
  return new StationError('PCSC_SERVICE_DOWN', SERVICE_DOWN, { operation });
}
