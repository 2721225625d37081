// Reading one `certificaterequestgenerationoptions` element for the card, and describing what was
// issued for the result screen. The option's names are Windows CNG's (get-certificate-request-
// generation-options.md's sample: "KeyAlgorithmName":"RSA","KeySize":2048).
import { X509Certificate } from 'node:crypto';
import { StationError } from '../../shared/errors';
import type { IssuedCertificate, PivSlot } from '../../shared/issuance';
import type { PivKeyAlgorithm } from '../pcsc';

/** CNG algorithm names that denote a P-256 key when the size is 256. */
const EC_NAMES = new Set(['ECDSA_P256', 'ECDH_P256', 'ECDSA', 'ECDH', 'ECC', 'EC']);

/** The card algorithm for CM's KeyAlgorithmName + KeySize: RSA-2048 or P-256, anything else refused before a key is made. */
export function keyAlgorithmFromOption(option: { readonly keyAlgorithmName: string; readonly keySize: number }): PivKeyAlgorithm {
  const name = option.keyAlgorithmName.trim().toUpperCase();
  if (name === 'RSA' && option.keySize === 2048) return 'rsa2048';
  if (EC_NAMES.has(name) && option.keySize === 256) return 'eccp256';
  throw new StationError('ISSUANCE_CARD_NOT_ISSUABLE', 'CM asks for a key the station does not generate on the card (RSA-2048 and P-256 only).', {
    keyAlgorithmName: option.keyAlgorithmName.slice(0, 40),
    keySize: option.keySize,
  });
}

/** What the result screen lists for a certificate written to `slot`. */
export function describeCertificate(certificate: Buffer, slot: PivSlot, template: string | null): IssuedCertificate {
  const x509 = new X509Certificate(certificate);
  return {
    slot,
    subject: x509.subject.split('\n').join(', '),
    issuer: x509.issuer.split('\n').join(', '),
    serialNumber: x509.serialNumber.toLowerCase(),
    notAfter: new Date(x509.validTo).toISOString(),
    template,
  };
}
