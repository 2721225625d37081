// PKCS#10 certificate requests signed by the card (RFC 2986). CM takes plain PKCS#10 in
// `certificatedata` (get-certificate-responses.md: its sample request is PKCS#10, not CMC).
// The card signs raw: for RSA the host builds the EMSA-PKCS1-v1_5 block (RFC 8017 §9.2) and the card
// applies its private key to it; for P-256 the card signs the hash and answers a DER ECDSA signature.
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { Attributes, CertificationRequest, CertificationRequestInfo } from '@peculiar/asn1-csr';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, Attribute, Extension, Extensions, KeyUsage, KeyUsageFlags, SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import { StationError } from '../../shared/errors';
import { KEY_USAGE_AGREEMENT, KEY_USAGE_DECRYPT, KEY_USAGE_SIGN } from './slots';
import { encodeX500Name } from './x500';

export type HashName = 'sha1' | 'sha256' | 'sha384' | 'sha512';

/** DigestInfo prefixes, RFC 8017 §9.2 note 1. */
const DIGEST_INFO_PREFIX: Readonly<Record<HashName, string>> = {
  sha1: '3021300906052b0e03021a05000414',
  sha256: '3031300d060960864801650304020105000420',
  sha384: '3041300d060960864801650304020205000430',
  sha512: '3051300d060960864801650304020305000440',
};

const RSA_SIGNATURE_OID: Readonly<Record<HashName, string>> = {
  sha1: '1.2.840.113549.1.1.5',
  sha256: '1.2.840.113549.1.1.11',
  sha384: '1.2.840.113549.1.1.12',
  sha512: '1.2.840.113549.1.1.13',
};

const ECDSA_SIGNATURE_OID: Readonly<Record<HashName, string>> = {
  sha1: '1.2.840.10045.4.1',
  sha256: '1.2.840.10045.4.3.2',
  sha384: '1.2.840.10045.4.3.3',
  sha512: '1.2.840.10045.4.3.4',
};

const EXTENSION_REQUEST = '1.2.840.113549.1.9.14';

/** CM's `HashAlgorithmName` (the pages' sample says "SHA1"); empty means SHA-256. */
export function hashFromOption(name: string): HashName {
  const normalised = name.trim().toLowerCase().replace(/[-_ ]/g, '');
  if (normalised === '') return 'sha256';
  if (normalised === 'sha1' || normalised === 'sha256' || normalised === 'sha384' || normalised === 'sha512') return normalised;
  throw new StationError('CM_MALFORMED_RESPONSE', `CM asks for a hash the station does not use: ${name.slice(0, 40)}.`, {
    hashAlgorithmName: name.slice(0, 40),
  });
}

/** The EMSA-PKCS1-v1_5 encoded block of `hash` for a key of `length` bytes: 00 01 FF.. 00 DigestInfo. */
export function pkcs1v15Block(hashName: HashName, hash: Buffer, length: number): Buffer {
  const digestInfo = Buffer.concat([Buffer.from(DIGEST_INFO_PREFIX[hashName], 'hex'), hash]);
  const padding = length - digestInfo.length - 3;
  if (padding < 8) throw new StationError('BAD_REQUEST', 'The key is too short for this hash.', { length });
  return Buffer.concat([Buffer.from([0x00, 0x01]), Buffer.alloc(padding, 0xff), Buffer.from([0x00]), digestInfo]);
}

/** KeyUsage bits for Windows X509PrivateKeyUsageFlags (1 decrypt, 2 sign, 4 key agreement). */
export function keyUsageFlags(keyUsages: number, keyType: 'rsa' | 'ec'): number {
  let flags = 0;
  if (keyUsages & KEY_USAGE_SIGN) flags |= KeyUsageFlags.digitalSignature;
  // An RSA key decrypts by key transport; an EC key can only agree keys (RFC 5480 §3).
  if (keyUsages & KEY_USAGE_DECRYPT) flags |= keyType === 'rsa' ? KeyUsageFlags.keyEncipherment : KeyUsageFlags.keyAgreement;
  if (keyUsages & KEY_USAGE_AGREEMENT && keyType === 'ec') flags |= KeyUsageFlags.keyAgreement;
  return flags;
}

export interface CsrInput {
  /** CM's `Subject` (X.500 string, may be empty). */
  readonly subject: string;
  /** The card's public key, DER SubjectPublicKeyInfo (RSA-2048 or P-256). */
  readonly spki: Buffer;
  /** CM's `HashAlgorithmName`. */
  readonly hashAlgorithmName: string;
  /** CM's `KeyUsages`; 0 asks for no key usage extension. */
  readonly keyUsages: number;
  /**
   * The card's raw signature: for RSA over the 256-byte EMSA-PKCS1-v1_5 block given, for P-256 over
   * the hash given (returning DER ECDSA). PivSession.sign fits it directly.
   */
  readonly sign: (cardInput: Buffer) => Promise<Buffer>;
}

function keyTypeOf(key: KeyObject): 'rsa' | 'ec' {
  if (key.asymmetricKeyType === 'rsa' && key.asymmetricKeyDetails?.modulusLength === 2048) return 'rsa';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ec';
  throw new StationError('BAD_REQUEST', 'Only RSA-2048 and P-256 keys are requested by the station.', { keyType: key.asymmetricKeyType ?? null });
}

/** Builds, has the card sign and checks one PKCS#10 request; returns its DER. */
export async function buildCsr(input: CsrInput): Promise<Buffer> {
  const hashName = hashFromOption(input.hashAlgorithmName);
  const publicKey = createPublicKey({ key: input.spki, format: 'der', type: 'spki' });
  const keyType = keyTypeOf(publicKey);
  const flags = keyUsageFlags(input.keyUsages, keyType);
  const extensions = new Extensions(
    flags === 0
      ? []
      : [
          // RFC 5280 §4.2.1.3: SHOULD be critical.
          new Extension({ extnID: '2.5.29.15', critical: true, extnValue: new OctetString(AsnConvert.serialize(new KeyUsage(flags))) }),
        ],
  );
  const info = new CertificationRequestInfo({
    version: 0,
    subject: encodeX500Name(input.subject),
    subjectPKInfo: AsnConvert.parse(publicKey.export({ type: 'spki', format: 'der' }), SubjectPublicKeyInfo),
    attributes: new Attributes(extensions.length === 0 ? [] : [new Attribute({ type: EXTENSION_REQUEST, values: [AsnConvert.serialize(extensions)] })]),
  });
  const tbs = Buffer.from(AsnConvert.serialize(info));
  const hash = createHash(hashName).update(tbs).digest();
  const signature = await input.sign(keyType === 'rsa' ? pkcs1v15Block(hashName, hash, 256) : hash);
  // The card signed with the key in the slot we asked for, over what we built: prove it before CM sees it.
  if (!verify(hashName, tbs, publicKey, signature)) {
    throw new StationError('PIV_CARD_ERROR', 'The card’s signature on the certificate request does not verify with its public key.', {
      operation: 'GENERAL AUTHENTICATE',
      reason: 'signature-does-not-verify',
    });
  }
  const request = new CertificationRequest({
    certificationRequestInfo: info,
    signatureAlgorithm:
      keyType === 'rsa'
        ? new AlgorithmIdentifier({ algorithm: RSA_SIGNATURE_OID[hashName], parameters: null })
        : new AlgorithmIdentifier({ algorithm: ECDSA_SIGNATURE_OID[hashName] }),
    signature: new Uint8Array(signature).buffer,
  });
  return Buffer.from(AsnConvert.serialize(request));
}
