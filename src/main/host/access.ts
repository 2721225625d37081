import { newSecretToken } from '../common';

/** A fresh secret per host run: only the page we printed the URL for can open the WebSocket. */
export const newHostToken = newSecretToken;

/**
 * Browsers always send Origin on WebSocket upgrades; a page from any other site (or a missing
 * Origin, i.e. not a browser we served) is refused, which stops cross-site WebSocket hijacking.
 */
export function originAllowed(expectedOrigin: string, given: string | undefined): boolean {
  return given === expectedOrigin;
}
