// Reading one `certificaterequestgenerationoptions` element for the card. The option's names are
// Windows CNG's (get-certificate-request-generation-options.md's sample: "KeyAlgorithmName":"RSA",
// "KeySize":2048).
import { StationError } from '../../shared/errors';
import type { PivKeyAlgorithm } from '../pcsc';

/** CNG algorithm names that denote a P-256 key when the size is 256. */
const EC_NAMES = new Set(['ECDSA_P256', 'ECDH_P256', 'ECDSA', 'ECDH', 'ECC', 'EC']);
/** Names that may leave KeySize 0: the size is in the name (_P256), or the station has always read them as P-256. */
const EC_NAMES_WITHOUT_SIZE = new Set(['ECDSA_P256', 'ECDH_P256', 'ECDSA', 'ECC']);

/** The card algorithm for CM's KeyAlgorithmName + KeySize: RSA-2048 or P-256, anything else refused before a key is made. */
export function keyAlgorithmFromOption(option: { readonly keyAlgorithmName: string; readonly keySize: number }): PivKeyAlgorithm {
  const name = option.keyAlgorithmName.trim().toUpperCase();
  if (name === 'RSA' && option.keySize === 2048) return 'rsa2048';
  if ((EC_NAMES.has(name) && option.keySize === 256) || (EC_NAMES_WITHOUT_SIZE.has(name) && option.keySize === 0)) return 'eccp256';
  // CM's text goes into the message, the journal and the audit: bounded, as every CM string shown.
  const shown = option.keyAlgorithmName.slice(0, 40);
  throw new StationError('ISSUANCE_CARD_NOT_ISSUABLE', `CM asks for a ${shown} ${option.keySize} key, which the card cannot generate (RSA-2048 or P-256).`, {
    algorithm: shown,
    keySize: option.keySize,
  });
}
