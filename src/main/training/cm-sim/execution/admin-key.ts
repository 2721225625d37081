import { createCipheriv, createHmac } from 'node:crypto';

/**
 * CM's side of the card's admin (9B) key, for the simulator.
 *
 * - `authenticationresponse` (MIMDocs/reference/get-smartcard-authentication-response.md) answers the
 *   card's challenge with 3DES-ECB under the key CM believes the card has: its example's answer
 *   "F0Zudm4wPLY=" is exactly 3DES-ECB(24 zero bytes, "1hFD+cz/0so=").
 * - `diversifiedkey` (get-smartcard-diversified-admin-key.md) returns a 24-byte key with DES parity on
 *   every byte (as its example's key has). CM's real derivation is not published: the one below is
 *   INVENTED for training (HMAC-SHA256 of the card id text under a fixed simulator secret, parity set),
 *   deterministic so a restarted simulator still knows every card's key.
 */

const TRAINING_DIVERSIFICATION_SECRET = 'enrollment-station/cm-sim/admin-key-diversification (training only)';

export function tripleDesEcb(key: Buffer, block: Buffer): Buffer {
  const cipher = createCipheriv('des-ede3', key, null).setAutoPadding(false);
  return Buffer.concat([cipher.update(block), cipher.final()]);
}

/** Odd parity in every byte, as DES keys carry it (FIPS 46-3: the low bit of each byte). */
function withDesParity(bytes: Buffer): Buffer {
  return Buffer.from(
    bytes.map((b) => {
      const high = b & 0xfe;
      let ones = 0;
      for (let v = high; v > 0; v >>= 1) ones += v & 1;
      return high | (ones % 2 === 0 ? 1 : 0);
    }),
  );
}

/** The diversified key for a card id, exactly as the text was sent (a different spelling is a different card to CM). */
export function diversifiedAdminKey(cardIdText: string): Buffer {
  for (let counter = 0; ; counter++) {
    const mac = createHmac('sha256', TRAINING_DIVERSIFICATION_SECRET).update(`${counter}:${cardIdText}`).digest();
    const key = withDesParity(mac.subarray(0, 24));
    // Three distinct DES keys, or 3DES degrades to single DES (a real card may refuse such a key).
    const [k1, k2, k3] = [key.subarray(0, 8), key.subarray(8, 16), key.subarray(16, 24)];
    if (!k1.equals(k2) && !k2.equals(k3) && !k1.equals(k3)) return key;
  }
}
