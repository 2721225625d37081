// A server-generated key from CM: a PKCS#12 (RFC 7292) protected with the request's pfxpassword,
// decoded in memory only into the certificate and its PKCS#8 private key for YubiKey IMPORT. Read:
// PBES2 (PBKDF2 + AES-CBC or 3DES-CBC, what `openssl pkcs12 -export` writes by default since
// OpenSSL 3) and the legacy PKCS#12 PBEs with the PKCS#12 KDF (pbeWithSHAAnd3-KeyTripleDES-CBC for
// keys, pbeWithSHAAnd40BitRC2-CBC for certificates: what Windows' PFXExportCertStoreEx and
// `openssl pkcs12 -legacy` write). The MAC is checked first: a wrong password says so.
import { createDecipheriv, createHash, createHmac, createPrivateKey, createPublicKey, pbkdf2Sync, timingSafeEqual, X509Certificate } from 'node:crypto';
import type { ContentInfo } from '@peculiar/asn1-cms';
import { AuthenticatedSafe, CertBag, PFX, SafeContents, id_certBag, id_keyBag, id_pkcs8ShroudedKeyBag, id_x509Certificate } from '@peculiar/asn1-pfx';
import { EncryptedPrivateKeyInfo } from '@peculiar/asn1-pkcs8';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import { StationError } from '../../shared/errors';
import { decodeBase64 } from '../common';
import { objectIdentifier, readChildren, readSingle, smallInteger } from './der';
import { rc2CbcDecrypt } from './rc2';

const ID_DATA = '1.2.840.113549.1.7.1';
const ID_ENCRYPTED_DATA = '1.2.840.113549.1.7.6';
/** The PKCS#12 PBE schemes (RFC 7292 appendix C) the station reads, all with SHA-1 and the PKCS#12 KDF. */
const PKCS12_PBE: ReadonlyMap<string, { cipher: 'des-ede3-cbc' | 'rc2'; keyLength: number }> = new Map([
  ['1.2.840.113549.1.12.1.3', { cipher: 'des-ede3-cbc', keyLength: 24 }],
  ['1.2.840.113549.1.12.1.5', { cipher: 'rc2', keyLength: 16 }],
  ['1.2.840.113549.1.12.1.6', { cipher: 'rc2', keyLength: 5 }],
]);
const ID_PBES2 = '1.2.840.113549.1.5.13';
const ID_PBKDF2 = '1.2.840.113549.1.5.12';

const HASHES: ReadonlyMap<string, { name: string; block: number }> = new Map([
  ['1.3.14.3.2.26', { name: 'sha1', block: 64 }],
  ['2.16.840.1.101.3.4.2.1', { name: 'sha256', block: 64 }],
  ['2.16.840.1.101.3.4.2.2', { name: 'sha384', block: 128 }],
  ['2.16.840.1.101.3.4.2.3', { name: 'sha512', block: 128 }],
]);
const PRFS: ReadonlyMap<string, string> = new Map([
  ['1.2.840.113549.2.7', 'sha1'],
  ['1.2.840.113549.2.9', 'sha256'],
  ['1.2.840.113549.2.10', 'sha384'],
  ['1.2.840.113549.2.11', 'sha512'],
]);
const CIPHERS: ReadonlyMap<string, { name: string; keyLength: number }> = new Map([
  ['2.16.840.1.101.3.4.1.2', { name: 'aes-128-cbc', keyLength: 16 }],
  ['2.16.840.1.101.3.4.1.22', { name: 'aes-192-cbc', keyLength: 24 }],
  ['2.16.840.1.101.3.4.1.42', { name: 'aes-256-cbc', keyLength: 32 }],
  ['1.2.840.113549.3.7', { name: 'des-ede3-cbc', keyLength: 24 }],
]);

/** Work bounds against a hostile file (OpenSSL's default is 2048 iterations). */
const MAX_ITERATIONS = 1_000_000;
const MAX_PFX_BYTES = 256 * 1024;

export interface PfxContents {
  /** The certificate for the private key, DER. */
  readonly certificate: Buffer;
  /** The same certificate as Node opened it to match the key: readers of its facts need not parse it again. */
  readonly certificateX509: X509Certificate;
  /** The private key, unencrypted PKCS#8 DER: in memory only, for the card's IMPORT. */
  readonly privateKeyPkcs8: Buffer;
  /** Other certificates in the file (CA certificates). */
  readonly others: Buffer[];
}

function badPfx(reason: string): StationError {
  return new StationError('ISSUANCE_BAD_PFX', `CM’s server-generated key cannot be read: ${reason}.`, { reason });
}

/** RFC 7292 appendix B.2: the PKCS#12 key derivation (password as BMPString with its 00 00 end). */
function pkcs12Kdf(hash: { name: string; block: number }, password: string, salt: Buffer, id: 1 | 2 | 3, iterations: number, length: number): Buffer {
  const v = hash.block;
  const bmp = Buffer.alloc(password.length * 2 + 2);
  for (let i = 0; i < password.length; i++) bmp.writeUInt16BE(password.charCodeAt(i), i * 2);
  const repeat = (data: Buffer) => {
    if (data.length === 0) return Buffer.alloc(0);
    const out = Buffer.alloc(v * Math.ceil(data.length / v));
    for (let i = 0; i < out.length; i++) out[i] = data[i % data.length] ?? 0;
    return out;
  };
  const input = Buffer.concat([repeat(salt), repeat(bmp)]);
  const diversifier = Buffer.alloc(v, id);
  const blocks: Buffer[] = [];
  for (let produced = 0; produced < length;) {
    let a = createHash(hash.name).update(diversifier).update(input).digest();
    for (let i = 1; i < iterations; i++) a = createHash(hash.name).update(a).digest();
    blocks.push(a);
    produced += a.length;
    const b = repeat(a);
    // I_j = (I_j + B + 1) mod 2^(8v), big-endian, for each v-byte block of I.
    for (let offset = 0; offset < input.length; offset += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = (input[offset + k] ?? 0) + (b[k] ?? 0) + carry;
        input[offset + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return Buffer.concat(blocks).subarray(0, length);
}

function iterationsOf(value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > MAX_ITERATIONS) throw badPfx('iteration count out of bounds');
  return value;
}

function decipher(name: string, key: Buffer, iv: Buffer, data: Buffer): Buffer {
  try {
    const cipher = createDecipheriv(name, key, iv);
    const parts = [cipher.update(data), cipher.final()];
    const plain = Buffer.concat(parts);
    // The pieces hold the same private key bytes as `plain`, which the caller zeroes after use.
    for (const part of parts) part.fill(0);
    return plain;
  } catch {
    // Bad padding after a MAC that verified: the file is damaged, not the password.
    throw badPfx('decryption failed');
  }
}

/** Decrypts data protected by one of the two PBE schemes the station reads. */
function decrypt(algorithm: AlgorithmIdentifier, data: Buffer, password: string): Buffer {
  const params = algorithm.parameters ? Buffer.from(algorithm.parameters) : Buffer.alloc(0);
  const pbe = PKCS12_PBE.get(algorithm.algorithm);
  if (pbe) {
    const [salt, count] = readChildren(readSingle(params, 0x30).value);
    if (!salt || salt.tag !== 0x04 || !count) throw badPfx('bad PBE parameters');
    const iterations = iterationsOf(smallInteger(count));
    const sha1 = { name: 'sha1', block: 64 };
    const key = pkcs12Kdf(sha1, password, salt.value, 1, iterations, pbe.keyLength);
    const iv = pkcs12Kdf(sha1, password, salt.value, 2, iterations, 8);
    if (pbe.cipher === 'des-ede3-cbc') return decipher(pbe.cipher, key, iv, data);
    try {
      return rc2CbcDecrypt(key, key.length * 8, iv, data);
    } catch {
      throw badPfx('decryption failed');
    }
  }
  if (algorithm.algorithm === ID_PBES2) {
    const [kdf, scheme] = readChildren(readSingle(params, 0x30).value);
    if (!kdf || !scheme) throw badPfx('bad PBES2 parameters');
    const [kdfOid, kdfParams] = readChildren(kdf.value);
    if (!kdfOid || objectIdentifier(kdfOid) !== ID_PBKDF2 || !kdfParams) throw badPfx('PBES2 without PBKDF2');
    const fields = readChildren(kdfParams.value);
    const [salt, count] = fields;
    if (!salt || salt.tag !== 0x04 || !count) throw badPfx('bad PBKDF2 parameters');
    const iterations = iterationsOf(smallInteger(count));
    const prfField = fields.slice(2).find((field) => field.tag === 0x30);
    const prfOid = prfField ? readChildren(prfField.value)[0] : undefined;
    const prf = prfOid ? PRFS.get(objectIdentifier(prfOid)) : 'sha1';
    const [cipherOid, iv] = readChildren(scheme.value);
    const cipher = cipherOid ? CIPHERS.get(objectIdentifier(cipherOid)) : undefined;
    if (!prf || !cipher || !iv || iv.tag !== 0x04) throw badPfx('unsupported PBES2 cipher or PRF');
    // OpenSSL (and Windows) feed PBKDF2 the password's UTF-8 bytes.
    const key = pbkdf2Sync(Buffer.from(password, 'utf8'), salt.value, iterations, cipher.keyLength, prf);
    return decipher(cipher.name, key, iv.value, data);
  }
  throw badPfx(`unsupported protection ${algorithm.algorithm}`);
}

function verifyMac(pfx: PFX, authSafe: Buffer, password: string): void {
  if (!pfx.macData) throw badPfx('no integrity MAC');
  const hash = HASHES.get(pfx.macData.mac.digestAlgorithm.algorithm);
  if (!hash) throw badPfx('unsupported MAC hash');
  const expected = Buffer.from(pfx.macData.mac.digest.buffer);
  const key = pkcs12Kdf(hash, password, Buffer.from(pfx.macData.macSalt.buffer), 3, iterationsOf(pfx.macData.iterations), expected.length);
  const actual = createHmac(hash.name, key).update(authSafe).digest();
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    throw new StationError('ISSUANCE_BAD_PFX', 'CM’s server-generated key does not open with the password the station sent.', {
      reason: 'wrong password or damaged file',
    });
  }
}

function safeContentsOf(info: ContentInfo, password: string): SafeContents {
  if (info.contentType === ID_DATA) return AsnConvert.parse(AsnConvert.parse(info.content, OctetString).buffer, SafeContents);
  if (info.contentType === ID_ENCRYPTED_DATA) {
    // EncryptedData (RFC 5652 §8) { version, EncryptedContentInfo { contentType, algorithm, [0] IMPLICIT content } }.
    const [, contentInfo] = readChildren(readSingle(Buffer.from(info.content), 0x30).value);
    const [, algorithm, content] = contentInfo ? readChildren(contentInfo.value) : [];
    if (!algorithm || !content) throw badPfx('empty encrypted content');
    // Primitive [0] (80), or BER constructed [0] (A0) holding OCTET STRING pieces.
    const encrypted =
      content.tag === 0x80 ? content.value : content.tag === 0xa0 ? Buffer.concat(readChildren(content.value).map((piece) => piece.value)) : null;
    if (!encrypted) throw badPfx('malformed encrypted content');
    return AsnConvert.parse(decrypt(AsnConvert.parse(algorithm.raw, AlgorithmIdentifier), encrypted, password), SafeContents);
  }
  throw badPfx(`unsupported content ${info.contentType}`);
}

/** Opens CM's `Pfx` (base64 DER) with `password`: the key, its certificate, and any others. */
export function decodePfx(pfxBase64: string, password: string): PfxContents {
  const der = decodeBase64(pfxBase64, MAX_PFX_BYTES);
  if (der === null) throw badPfx('not base64');
  const keys: Buffer[] = [];
  const certificates: Buffer[] = [];
  try {
    const pfx = AsnConvert.parse(der, PFX);
    if (pfx.version !== 3 || pfx.authSafe.contentType !== ID_DATA) throw badPfx('not a password-integrity PKCS#12');
    const authSafe = Buffer.from(AsnConvert.parse(pfx.authSafe.content, OctetString).buffer);
    verifyMac(pfx, authSafe, password);
    for (const info of AsnConvert.parse(authSafe, AuthenticatedSafe)) {
      for (const bag of safeContentsOf(info, password)) {
        if (bag.bagId === id_keyBag) keys.push(Buffer.from(bag.bagValue));
        else if (bag.bagId === id_pkcs8ShroudedKeyBag) {
          const shrouded = AsnConvert.parse(bag.bagValue, EncryptedPrivateKeyInfo);
          keys.push(decrypt(shrouded.encryptionAlgorithm, Buffer.from(shrouded.encryptedData.buffer), password));
        } else if (bag.bagId === id_certBag) {
          const certBag = AsnConvert.parse(bag.bagValue, CertBag);
          if (certBag.certId === id_x509Certificate) certificates.push(Buffer.from(AsnConvert.parse(certBag.certValue, OctetString).buffer));
        }
      }
    }
  } catch (err) {
    if (err instanceof StationError) throw err;
    throw badPfx('it does not parse');
  }
  const [key] = keys;
  if (keys.length !== 1 || !key) throw badPfx(`${keys.length} private keys instead of one`);
  let publicKey: Buffer;
  try {
    publicKey = createPublicKey(createPrivateKey({ key, format: 'der', type: 'pkcs8' })).export({ type: 'spki', format: 'der' });
  } catch {
    throw badPfx('the private key is not valid PKCS#8');
  }
  const opened = (der: Buffer): X509Certificate | null => {
    try {
      return new X509Certificate(der);
    } catch {
      // A certificate that cannot be read certifies no key here: it is simply not the match.
      return null;
    }
  };
  const match = certificates
    .map((der) => ({ der, x509: opened(der) }))
    .find(({ x509 }) => x509 !== null && x509.publicKey.export({ type: 'spki', format: 'der' }).equals(publicKey));
  if (!match?.x509) throw badPfx('no certificate for the private key');
  const certificate = match.der;
  return { certificate, certificateX509: match.x509, privateKeyPkcs8: key, others: certificates.filter((der) => der !== certificate) };
}
