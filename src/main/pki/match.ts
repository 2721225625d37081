// Which slot each returned certificate belongs to: the slot whose generated key the certificate
// certifies, compared as normalised DER SubjectPublicKeyInfo, never by order (desk-issuance.md).
import { createPublicKey, X509Certificate } from 'node:crypto';
import { StationError } from '../../shared/errors';
import type { PivSlot } from '../../shared/issuance';

export interface GeneratedKey {
  readonly slot: PivSlot;
  /** The public key as the card returned it (DER SubjectPublicKeyInfo). */
  readonly spki: Buffer;
}

export interface MatchedCertificate {
  readonly slot: PivSlot;
  readonly certificate: Buffer;
}

/** Re-encodes an SPKI through Node (OpenSSL), so encodings of one key compare equal. */
export function normaliseSpki(spki: Buffer): Buffer {
  return createPublicKey({ key: spki, format: 'der', type: 'spki' }).export({ type: 'spki', format: 'der' });
}

function certificateSpki(certificate: Buffer, index: number): Buffer {
  try {
    return new X509Certificate(certificate).publicKey.export({ type: 'spki', format: 'der' });
  } catch {
    throw new StationError('ISSUANCE_BAD_CMS', 'A certificate CM returned does not parse.', { index });
  }
}

/**
 * `leaves` are the end-entity certificates for the keys the card generated (the engine has already
 * set aside key-history and server-generated answers). Exactly one per key, each for a key on the card.
 */
export function matchCertificates(keys: readonly GeneratedKey[], leaves: readonly Buffer[]): MatchedCertificate[] {
  if (leaves.length !== keys.length) {
    throw new StationError('ISSUANCE_CERTIFICATE_COUNT', 'CM returned a different number of certificates than the card asked for.', {
      requested: keys.length,
      returned: leaves.length,
    });
  }
  const normalised = keys.map((key) => ({ slot: key.slot, spki: normaliseSpki(key.spki) }));
  const matched = leaves.map((certificate, index) => {
    const spki = certificateSpki(certificate, index);
    const key = normalised.find((candidate) => candidate.spki.equals(spki));
    if (!key) throw new StationError('ISSUANCE_CERTIFICATE_NO_KEY', 'CM returned a certificate for a key that is not on this card.', { index });
    return { slot: key.slot, certificate };
  });
  const slots = new Set(matched.map((entry) => entry.slot));
  if (slots.size !== keys.length) {
    // Two certificates for one key, so another key has none.
    throw new StationError('ISSUANCE_CERTIFICATE_COUNT', 'CM returned two certificates for one key and none for another.', {
      requested: keys.length,
      returned: leaves.length,
      distinctKeys: slots.size,
    });
  }
  return matched;
}
