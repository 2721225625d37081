import { randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * A fresh secret per run: the host's WebSocket token, the training simulator's admin token. Only
 * whoever was given it (the page the host printed, the host itself) can use what it guards.
 */
export function newSecretToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Compares in constant time: a token is never guessable byte by byte from response times. */
export function tokensEqual(expected: string, given: string | null | undefined): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
