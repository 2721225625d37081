// The card's cryptography: the 9B symmetric key (3DES / AES, ECB on one block, as SP 800-73-4 part 2
// §3.2.4 and Yubico's AES extension use it) and the asymmetric slot keys (RSA raw private operation,
// ECDSA over a hash the host computed, ECDH). Node's crypto does the maths; the one thing it lacks
// is ECDSA over a ready-made hash, built here from its EC scalar multiplication (ECDH).
import { constants, createCipheriv, createDecipheriv, createECDH, createPrivateKey, generateKeyPairSync, privateDecrypt, randomBytes, type KeyObject } from 'node:crypto';
import { tlv } from './apdu';

/** PIV algorithm identifiers (SP 800-78-4 table 6-2, plus Yubico's AES management key ids). */
export const ALG = { TDES: 0x03, AES128: 0x08, AES192: 0x0a, AES256: 0x0c, RSA1024: 0x06, RSA2048: 0x07, ECCP256: 0x11, ECCP384: 0x14 } as const;

export type ManagementAlgorithm = typeof ALG.TDES | typeof ALG.AES128 | typeof ALG.AES192 | typeof ALG.AES256;
export type AsymmetricAlgorithm = typeof ALG.RSA1024 | typeof ALG.RSA2048 | typeof ALG.ECCP256 | typeof ALG.ECCP384;

const MANAGEMENT: Record<ManagementAlgorithm, { cipher: string; keyLength: number; block: number }> = {
  [ALG.TDES]: { cipher: 'des-ede3-ecb', keyLength: 24, block: 8 },
  [ALG.AES128]: { cipher: 'aes-128-ecb', keyLength: 16, block: 16 },
  [ALG.AES192]: { cipher: 'aes-192-ecb', keyLength: 24, block: 16 },
  [ALG.AES256]: { cipher: 'aes-256-ecb', keyLength: 32, block: 16 },
};

export function isManagementAlgorithm(alg: number): alg is ManagementAlgorithm {
  return alg in MANAGEMENT;
}

export function managementKeyLength(alg: ManagementAlgorithm): number {
  return MANAGEMENT[alg].keyLength;
}

/** The challenge / witness size: one cipher block. */
export function managementBlockSize(alg: ManagementAlgorithm): number {
  return MANAGEMENT[alg].block;
}

export function managementCipher(alg: ManagementAlgorithm, key: Buffer, block: Buffer, direction: 'encrypt' | 'decrypt'): Buffer {
  const { cipher } = MANAGEMENT[alg];
  const c = direction === 'encrypt' ? createCipheriv(cipher, key, null) : createDecipheriv(cipher, key, null);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(block), c.final()]);
}

interface Curve {
  readonly nodeName: string;
  readonly jwkName: string;
  readonly size: number;
  readonly order: bigint;
}

const CURVES: Record<typeof ALG.ECCP256 | typeof ALG.ECCP384, Curve> = {
  [ALG.ECCP256]: {
    nodeName: 'prime256v1',
    jwkName: 'P-256',
    size: 32,
    order: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  },
  [ALG.ECCP384]: {
    nodeName: 'secp384r1',
    jwkName: 'P-384',
    size: 48,
    order: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
  },
};

const RSA_BITS = { [ALG.RSA1024]: 1024, [ALG.RSA2048]: 2048 } as const;
/** A YubiKey only takes RSA keys with e = 65537 (Yubico, PIV import: "the public exponent must be 65537"). */
const RSA_EXPONENT = 65537n;

export function isAsymmetricAlgorithm(alg: number): alg is AsymmetricAlgorithm {
  return alg === ALG.RSA1024 || alg === ALG.RSA2048 || alg === ALG.ECCP256 || alg === ALG.ECCP384;
}

export type CardKey =
  | { readonly kind: 'rsa'; readonly algorithm: typeof ALG.RSA1024 | typeof ALG.RSA2048; readonly privateKey: KeyObject; readonly publicTlv: Buffer }
  | { readonly kind: 'ec'; readonly algorithm: typeof ALG.ECCP256 | typeof ALG.ECCP384; readonly scalar: Buffer; readonly publicTlv: Buffer };

const fromB64u = (s: string | undefined): Buffer => Buffer.from(s ?? '', 'base64url');

function toBigInt(bytes: Buffer): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${bytes.toString('hex')}`);
}

function toBytes(value: bigint, length?: number): Buffer {
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  const bytes = Buffer.from(hex, 'hex');
  if (length === undefined || bytes.length === length) return bytes;
  if (bytes.length > length) return bytes.subarray(bytes.length - length);
  return Buffer.concat([Buffer.alloc(length - bytes.length), bytes]);
}

function modInverse(a: bigint, m: bigint): bigint | null {
  let [oldR, r] = [((a % m) + m) % m, m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  return oldR === 1n ? ((oldS % m) + m) % m : null;
}

function rsaPublicTlv(privateKey: KeyObject): Buffer {
  const jwk = privateKey.export({ format: 'jwk' });
  return Buffer.concat([tlv(0x81, fromB64u(jwk.n)), tlv(0x82, fromB64u(jwk.e))]);
}

function ecKey(algorithm: typeof ALG.ECCP256 | typeof ALG.ECCP384, scalar: Buffer): CardKey | null {
  const curve = CURVES[algorithm];
  const d = toBigInt(scalar);
  if (scalar.length !== curve.size || d === 0n || d >= curve.order) return null;
  const ecdh = createECDH(curve.nodeName);
  ecdh.setPrivateKey(scalar);
  return { kind: 'ec', algorithm, scalar: Buffer.from(scalar), publicTlv: tlv(0x86, ecdh.getPublicKey()) };
}

/** GENERATE ASYMMETRIC KEY PAIR: a fresh key that never leaves the card. */
export function generateCardKey(algorithm: AsymmetricAlgorithm): CardKey {
  if (algorithm === ALG.RSA1024 || algorithm === ALG.RSA2048) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: RSA_BITS[algorithm], publicExponent: Number(RSA_EXPONENT) });
    return { kind: 'rsa', algorithm, privateKey, publicTlv: rsaPublicTlv(privateKey) };
  }
  const curve = CURVES[algorithm];
  for (;;) {
    const key = ecKey(algorithm, randomBytes(curve.size));
    if (key) return key;
  }
}

/** IMPORT ASYMMETRIC KEY, RSA: the CRT parts (tags 01-05), each left-padded to half the modulus. */
export function importRsaKey(
  algorithm: typeof ALG.RSA1024 | typeof ALG.RSA2048,
  parts: { p: Buffer; q: Buffer; dp: Buffer; dq: Buffer; qinv: Buffer },
): CardKey | null {
  const p = toBigInt(parts.p);
  const q = toBigInt(parts.q);
  if (p < 3n || q < 3n) return null;
  const n = p * q;
  const bytes = RSA_BITS[algorithm] / 8;
  if (toBytes(n).length !== bytes) return null;
  const d = modInverse(RSA_EXPONENT, (p - 1n) * (q - 1n));
  const qInverse = modInverse(q, p);
  if (d === null || qInverse === null) return null;
  // The CRT parts must belong to p and q (with e = 65537), or the key is not one key.
  const [dp, dq, qi] = [d % (p - 1n), d % (q - 1n), qInverse];
  if (toBigInt(parts.dp) !== dp || toBigInt(parts.dq) !== dq || toBigInt(parts.qinv) !== qi) return null;
  const b64 = (v: bigint) => toBytes(v).toString('base64url');
  try {
    const privateKey = createPrivateKey({
      format: 'jwk',
      key: { kty: 'RSA', n: b64(n), e: b64(RSA_EXPONENT), d: b64(d), p: b64(p), q: b64(q), dp: b64(dp), dq: b64(dq), qi: b64(qi) },
    });
    return { kind: 'rsa', algorithm, privateKey, publicTlv: rsaPublicTlv(privateKey) };
  } catch {
    return null;
  }
}

/** IMPORT ASYMMETRIC KEY, EC: the private scalar (tag 06). */
export function importEcKey(algorithm: typeof ALG.ECCP256 | typeof ALG.ECCP384, scalar: Buffer): CardKey | null {
  return ecKey(algorithm, scalar);
}

/**
 * The private-key operation GENERAL AUTHENTICATE asks of a slot with `81 <challenge>`: RSA raw
 * (the host built the padding; the input is exactly one modulus long and below it), or ECDSA over
 * the hash (at most one field element long), answered as a DER Ecdsa-Sig-Value. Null when the
 * input does not fit the key.
 */
export function privateOperation(key: CardKey, input: Buffer): Buffer | null {
  if (key.kind === 'rsa') {
    if (input.length !== RSA_BITS[key.algorithm] / 8) return null;
    try {
      return privateDecrypt({ key: key.privateKey, padding: constants.RSA_NO_PADDING }, input);
    } catch {
      return null; // input >= modulus
    }
  }
  const curve = CURVES[key.algorithm];
  if (input.length === 0 || input.length > curve.size) return null;
  const e = toBigInt(input) % curve.order;
  const d = toBigInt(key.scalar);
  for (;;) {
    const kBytes = randomBytes(curve.size);
    const k = toBigInt(kBytes);
    if (k === 0n || k >= curve.order) continue;
    // k·G through ECDH's scalar multiplication: the public key of the private key k.
    const ecdh = createECDH(curve.nodeName);
    ecdh.setPrivateKey(kBytes);
    const r = toBigInt(ecdh.getPublicKey().subarray(1, 1 + curve.size)) % curve.order;
    if (r === 0n) continue;
    const kInverse = modInverse(k, curve.order);
    if (kInverse === null) continue;
    const s = (kInverse * ((e + r * d) % curve.order)) % curve.order;
    if (s === 0n) continue;
    return derSignature(r, s);
  }
}

/** ECDH with the slot's key (`85 <peer point>`): the shared secret's x coordinate, or null for a bad point. */
export function keyAgreement(key: CardKey, peerPoint: Buffer): Buffer | null {
  if (key.kind !== 'ec') return null;
  const curve = CURVES[key.algorithm];
  if (peerPoint.length !== 1 + 2 * curve.size || peerPoint[0] !== 0x04) return null;
  try {
    const ecdh = createECDH(curve.nodeName);
    ecdh.setPrivateKey(key.scalar);
    return ecdh.computeSecret(peerPoint);
  } catch {
    return null; // not on the curve
  }
}

function derInteger(value: bigint): Buffer {
  let bytes = toBytes(value);
  if ((bytes[0] ?? 0) & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return tlv(0x02, bytes);
}

function derSignature(r: bigint, s: bigint): Buffer {
  return tlv(0x30, Buffer.concat([derInteger(r), derInteger(s)]));
}
