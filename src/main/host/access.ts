import { randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh secret per host run: only the page we printed the URL for can open the WebSocket. */
export function newHostToken(): string {
  return randomBytes(24).toString('base64url');
}

export function tokensEqual(expected: string, given: string | null | undefined): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Browsers always send Origin on WebSocket upgrades; a page from any other site (or a missing
 * Origin, i.e. not a browser we served) is refused, which stops cross-site WebSocket hijacking.
 */
export function originAllowed(expectedOrigin: string, given: string | undefined): boolean {
  return given === expectedOrigin;
}
