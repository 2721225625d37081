// The station's one hex helper. Bytes cross every process boundary as lowercase hex without
// separators (design.md: JSON-safe), so the same two conversions serve the PC/SC layer, the TLV
// parser and the ATR parser; no Buffer, so the renderer and the preload can use it too.

export function byteHex(byte: number): string {
  return (byte & 0xff).toString(16).padStart(2, '0');
}

export function bytesToHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byteHex(byte);
  return hex;
}

/** Expects canonical hex (even length, 0-9a-f, any case): validate untrusted input before calling. */
export function hexToBytes(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length >>> 1);
  for (let i = 0; i < bytes.length; i += 1) bytes[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}
