import { createCipheriv, createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';

/**
 * The simulated CM's `Pfx` for a key it generated (get-certificate-responses.md: "pfxpassword | The
 * password that is used to protect any Personal Information Exchange (PFX) results that are returned
 * from the call"; "Some profile templates can be configured to generate keys/requests on the server").
 * Written from RFC 7292 (PKCS#12 v1.1) and RFC 8018 (PBES2), never from the station's reader
 * (src/main/pki/pfx.ts): its own small DER writer and its own PKCS#12 key derivation.
 * [sim] The protection is what `openssl pkcs12 -export` writes by default since OpenSSL 3 (PBES2 with
 * PBKDF2-HMAC-SHA256 and AES-256-CBC for the key, an HMAC-SHA256 MAC); which protection CM itself
 * uses is not on the pages. The certificate bag is left unencrypted (RFC 7292 allows either).
 */

// --- DER (X.690), only the few types a PFX needs -----------------------------------------------------
function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
const node = (tag: number, ...content: Buffer[]): Buffer => {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
};
const sequence = (...items: Buffer[]) => node(0x30, ...items);
const octets = (value: Buffer) => node(0x04, value);
const explicit0 = (value: Buffer) => node(0xa0, value);
const nullValue = Buffer.from([0x05, 0x00]);
function integer(value: number): Buffer {
  const bytes: number[] = [];
  for (let v = value; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  if (bytes.length === 0 || (bytes[0]! & 0x80) !== 0) bytes.unshift(0);
  return node(0x02, Buffer.from(bytes));
}
function oid(dotted: string): Buffer {
  const [a = 0, b = 0, ...rest] = dotted.split('.').map(Number);
  const out = [a * 40 + b];
  for (const arc of rest) {
    const groups: number[] = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) groups.unshift((v & 0x7f) | 0x80);
    out.push(...groups);
  }
  return node(0x06, Buffer.from(out));
}

const DATA = '1.2.840.113549.1.7.1';
const PKCS8_SHROUDED_KEY_BAG = '1.2.840.113549.1.12.10.1.2';
const CERT_BAG = '1.2.840.113549.1.12.10.1.3';
const X509_CERTIFICATE = '1.2.840.113549.1.9.22.1';
const LOCAL_KEY_ID = '1.2.840.113549.1.9.21';
const PBES2 = '1.2.840.113549.1.5.13';
const PBKDF2 = '1.2.840.113549.1.5.12';
const HMAC_SHA256 = '1.2.840.113549.2.9';
const AES_256_CBC = '2.16.840.1.101.3.4.1.42';
const SHA256 = '2.16.840.1.101.3.4.2.1';
const ITERATIONS = 2048;

/** RFC 7292 appendix B.2 with SHA-256 (u = 32, v = 64 bytes), for the MAC key (ID 3). */
function pkcs12MacKey(password: string, salt: Buffer, iterations: number): Buffer {
  const v = 64;
  const fill = (source: Buffer) =>
    source.length === 0 ? Buffer.alloc(0) : Buffer.from(Array.from({ length: v * Math.ceil(source.length / v) }, (_, i) => source[i % source.length]!));
  // The password as a BMPString with its two-byte NUL end.
  const bmp = Buffer.concat([Buffer.from(password, 'utf16le').swap16(), Buffer.alloc(2)]);
  const d = Buffer.alloc(v, 3);
  let a = createHash('sha256').update(d).update(fill(salt)).update(fill(bmp)).digest();
  for (let i = 1; i < iterations; i++) a = createHash('sha256').update(a).digest();
  // 32 bytes are wanted and one round gives 32: no further block.
  return a;
}

/** A bag with its localKeyID attribute (PKCS#9), which pairs a key with its certificate as OpenSSL and Windows write it. */
function safeBag(bagId: string, value: Buffer, localKeyId: Buffer): Buffer {
  return sequence(oid(bagId), explicit0(value), node(0x31, sequence(oid(LOCAL_KEY_ID), node(0x31, octets(localKeyId)))));
}

function dataContentInfo(content: Buffer): Buffer {
  return sequence(oid(DATA), explicit0(octets(content)));
}

/** A PKCS#12 holding `pkcs8` (shrouded with `password`) and its certificate, base64 as CM's `Pfx`. */
export function writePfx(pkcs8: Buffer, certificate: Buffer, password: string): string {
  const salt = randomBytes(16);
  const iv = randomBytes(16);
  const key = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, ITERATIONS, 32, 'sha256');
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  const encrypted = Buffer.concat([cipher.update(pkcs8), cipher.final()]);
  const algorithm = sequence(
    oid(PBES2),
    sequence(sequence(oid(PBKDF2), sequence(octets(salt), integer(ITERATIONS), sequence(oid(HMAC_SHA256), nullValue))), sequence(oid(AES_256_CBC), octets(iv))),
  );
  // OpenSSL's choice of id: the SHA-1 of the certificate.
  const localKeyId = createHash('sha1').update(certificate).digest();
  const keyBag = safeBag(PKCS8_SHROUDED_KEY_BAG, sequence(algorithm, octets(encrypted)), localKeyId);
  const certBag = safeBag(CERT_BAG, sequence(oid(X509_CERTIFICATE), explicit0(octets(certificate))), localKeyId);
  const authSafe = sequence(dataContentInfo(sequence(keyBag)), dataContentInfo(sequence(certBag)));
  const macSalt = randomBytes(16);
  const mac = createHmac('sha256', pkcs12MacKey(password, macSalt, ITERATIONS))
    .update(authSafe)
    .digest();
  const macData = sequence(sequence(sequence(oid(SHA256), nullValue), octets(mac)), octets(macSalt), integer(ITERATIONS));
  return sequence(integer(3), dataContentInfo(authSafe), macData).toString('base64');
}
