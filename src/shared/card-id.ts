import { normalizeGuid } from './cm';
import type { CardIdentifier } from './readers';

/**
 * The `cardid` CM is sent for a card (POST /smartcards, GET /smartcards?cardid=), from what the
 * station read (issue #17, part 5): the one rule the client validates with and the workflow queues
 * with, so nothing is ever queued that the client would then refuse to send.
 *
 * - A GUID (minidriver CardID, PIV CHUID GUID): lowercase, no braces. CM stores it as the serial
 *   (MIMDocs/reference/get-smartcard-data.md: SerialNumber `{<cardid>}`).
 * - Anything else is hex, 4 to 64 bytes: the contactless UID, or a CPLC-only card's composite
 *   `<fabricator>-<type>-<batch>-<serial>` (pcsc/identify.ts) with its separators dropped, i.e. its
 *   hex, which is what CM can store as a serial.
 * - Otherwise null: the bind is refused before anything is queued (CARD_ID_UNSENDABLE).
 */
export function cmCardIdFromText(value: string): string | null {
  const guid = normalizeGuid(value);
  if (guid !== null) return guid;
  const hex = value.replace(/[\s:-]+/g, '').toLowerCase();
  return /^(?:[0-9a-f]{2}){4,64}$/.test(hex) ? hex : null;
}

export function cmCardIdOf(identifier: CardIdentifier): string | null {
  return identifier.kind === 'none' ? null : cmCardIdFromText(identifier.value);
}
