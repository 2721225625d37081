// Standard base64 as CM sends it: its JSON carries line breaks inside the blobs (the certificatedata
// example has `\r\n` every 64 characters). One reader for every blob the station takes from CM
// (cm/execution.ts, pki/cms.ts, pki/pfx.ts); the CM simulator keeps its own, written from the pages.

/**
 * `text` decoded, whitespace ignored; null when it is empty, not padded standard base64, or would
 * decode to more than `maxBytes` (checked before decoding, so a huge answer is never expanded).
 */
export function decodeBase64(text: string, maxBytes = Number.POSITIVE_INFINITY): Buffer | null {
  const compact = text.replace(/\s+/g, '');
  if (compact === '' || compact.length % 4 !== 0 || compact.length > Math.ceil(maxBytes / 3) * 4) return null;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return null;
  return Buffer.from(compact, 'base64');
}
