// RC2-CBC decryption (RFC 2268), only to read legacy PKCS#12 files: Windows' PFXExportCertStoreEx
// and `openssl pkcs12 -legacy` protect the certificates with pbeWithSHAAnd40BitRC2-CBC, and OpenSSL 3
// (so Node) no longer offers RC2 without its legacy provider. Certificates are public data; the
// private key in such files is 3DES-protected and decrypted by Node.

/** RFC 2268 §2: PITABLE, a permutation of 0..255 derived from the digits of pi. */
const PITABLE = Buffer.from(
  'd978f9c419ddb5ed28e9fd794aa0d89dc67e37832b76538e624c6488448bfba2179a59f587b34f1361456d8d09817d32bd8f40eb86b77b0bf09521225c6b4e8254d66593ce60b21c7356c014a78cf1dc1275ca1f3bbee4d1423dd430a33cb6266fbf0eda4669075727f21d9bbc944303f811c7f690ef3ee706c3d52fc8661ed708e8eade8052eef784aa72ac354d6a2a961ad2715a1549744b9fd05e0418a4ecc2e0416e0f51cbcc2491af50a1f47039997c3a8523b8b47afc02365b25559731' +
    '2d5dfa98e38a92ae05df2910676cbac9d300e6cfe19ea82c6316013f58e289a90d38341bab33ffb0bb480c5fb9b1cd2ec5f3db47e5a59c770aa62068fe7fc1ad',
  'hex',
);

/** RFC 2268 §2 key expansion: 64 16-bit subkeys for `key` with `effectiveBits` effective key bits. */
function expandKey(key: Buffer, effectiveBits: number): Uint16Array {
  const l = Buffer.alloc(128);
  key.copy(l);
  const t = key.length;
  for (let i = t; i < 128; i++) l[i] = PITABLE[((l[i - 1] ?? 0) + (l[i - t] ?? 0)) & 0xff] ?? 0;
  const t8 = Math.ceil(effectiveBits / 8);
  const tm = 0xff >> (8 * t8 - effectiveBits);
  l[128 - t8] = PITABLE[(l[128 - t8] ?? 0) & tm] ?? 0;
  for (let i = 127 - t8; i >= 0; i--) l[i] = PITABLE[(l[i + 1] ?? 0) ^ (l[i + t8] ?? 0)] ?? 0;
  const k = new Uint16Array(64);
  for (let i = 0; i < 64; i++) k[i] = (l[2 * i] ?? 0) | ((l[2 * i + 1] ?? 0) << 8);
  return k;
}

const SHIFTS = [1, 2, 3, 5];

/** RFC 2268 §4: one 8-byte block, decrypted in place (words little-endian). */
function decryptBlock(k: Uint16Array, block: Buffer): void {
  const r = [block.readUInt16LE(0), block.readUInt16LE(2), block.readUInt16LE(4), block.readUInt16LE(6)];
  const at = (i: number) => r[(i + 4) % 4] ?? 0;
  let j = 63;
  const mix = () => {
    for (let i = 3; i >= 0; i--) {
      const s = SHIFTS[i] ?? 0;
      const x = at(i);
      const rotated = ((x >>> s) | (x << (16 - s))) & 0xffff;
      r[i] = (rotated - (k[j] ?? 0) - (at(i - 1) & at(i - 2)) - (~at(i - 1) & at(i - 3))) & 0xffff;
      j--;
    }
  };
  const mash = () => {
    for (let i = 3; i >= 0; i--) r[i] = (at(i) - (k[at(i - 1) & 63] ?? 0)) & 0xffff;
  };
  for (let n = 0; n < 5; n++) mix();
  mash();
  for (let n = 0; n < 6; n++) mix();
  mash();
  for (let n = 0; n < 5; n++) mix();
  r.forEach((word, index) => block.writeUInt16LE(word, index * 2));
}

/** RC2-CBC decryption with PKCS#7 padding removed; throws Error on a bad length or padding. */
export function rc2CbcDecrypt(key: Buffer, effectiveBits: number, iv: Buffer, data: Buffer): Buffer {
  if (data.length === 0 || data.length % 8 !== 0 || iv.length !== 8) throw new Error('RC2-CBC data is not whole blocks');
  const k = expandKey(key, effectiveBits);
  const out = Buffer.alloc(data.length);
  let previous = iv;
  for (let offset = 0; offset < data.length; offset += 8) {
    const cipherBlock = data.subarray(offset, offset + 8);
    const block = Buffer.from(cipherBlock);
    decryptBlock(k, block);
    for (let i = 0; i < 8; i++) out[offset + i] = (block[i] ?? 0) ^ (previous[i] ?? 0);
    previous = cipherBlock;
  }
  const pad = out[out.length - 1] ?? 0;
  if (pad < 1 || pad > 8 || !out.subarray(out.length - pad).every((byte) => byte === pad)) throw new Error('bad RC2-CBC padding');
  return out.subarray(0, out.length - pad);
}
