// How a certificate is matched to the key it certifies: as normalised DER SubjectPublicKeyInfo, never
// by order (desk-issuance.md). The runner matches CM's answer this way (issuance/runner.ts planWrites).
import { createPublicKey } from 'node:crypto';

/** Re-encodes an SPKI through Node (OpenSSL), so encodings of one key compare equal. */
export function normaliseSpki(spki: Buffer): Buffer {
  return createPublicKey({ key: spki, format: 'der', type: 'spki' }).export({ type: 'spki', format: 'der' });
}
