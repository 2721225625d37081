import { StationError } from '../../../shared/errors';

/** ISO 7816-3 §8.1: TS plus at most 32 further characters. */
export const MAX_ATR_BYTES = 33;

// Separators people paste from pcsc_scan, ATR_analysis, Windows certutil or CM's web UI.
const SEPARATORS = /[\s:]/g;

/**
 * Normalises an ATR typed or pasted by a person or returned by a binding ("3B:8F 80 01", "3b8f8001")
 * into the station's canonical form: lowercase hex, no separators. Throws ATR_INVALID otherwise.
 */
export function normalizeAtrHex(input: string): string {
  const hex = input.replace(SEPARATORS, '').toLowerCase();
  if (hex.length === 0) throw new StationError('ATR_INVALID', 'The ATR is empty.');
  if (!/^[0-9a-f]*$/.test(hex)) {
    throw new StationError('ATR_INVALID', 'The ATR contains characters that are not hexadecimal.');
  }
  if (hex.length % 2 !== 0) {
    throw new StationError('ATR_INVALID', 'The ATR has an odd number of hex digits.', { digits: hex.length });
  }
  if (hex.length / 2 > MAX_ATR_BYTES) {
    throw new StationError('ATR_INVALID', `The ATR is longer than ${MAX_ATR_BYTES} bytes.`, {
      length: hex.length / 2,
    });
  }
  return hex;
}

// The one hex helper lives in src/shared/hex.ts; `bytesHex` is its name in the ATR parser.
export { byteHex, bytesToHex as bytesHex, hexToBytes } from '../../../shared/hex';
