import type { Tck } from '../../../shared/atr-info';
import { byteHex } from './hex';

/**
 * Checks TCK (ISO 7816-3 §8.2.5): T0 through TCK XOR to zero. `body` is T0 up to, not including,
 * the TCK; the expected TCK is then simply their XOR.
 */
export function checkTck(body: Uint8Array, tck: number | null, required: boolean): Tck {
  if (tck === null) return { present: false, required, valid: null, expected: null };
  const expected = body.reduce((acc, byte) => acc ^ byte, 0);
  return { present: true, required, byte: byteHex(tck), valid: tck === expected, expected: byteHex(expected) };
}
