// Test helpers for the virtual YubiKey PIV card: send hex APDUs, follow 61xx with GET RESPONSE,
// authenticate 9B, build keys from the card's public-key TLVs.
import { createCipheriv, createPublicKey, type KeyObject } from 'node:crypto';
import { parseBerTlvFlat } from '../../../src/main/pcsc/tlv';
import { createYubiKeyPivCard, type YubiKeyPivInput } from '../../../src/main/training/piv-card';
import type { CardLogic } from '../../../src/main/training/virtual-card';

export const FACTORY_KEY = Buffer.from('010203040506070801020304050607080102030405060708', 'hex');

export interface Rapdu {
  data: Buffer;
  sw: number;
}

export function newCard(options: Partial<YubiKeyPivInput> = {}): CardLogic {
  const card = createYubiKeyPivCard({ kind: 'yubikey-piv', ...options });
  card.reset();
  return card;
}

/** One APDU, as raw bytes in and data + SW out. */
export function tx(card: CardLogic, apdu: string | Buffer): Rapdu {
  const reaction = card.command(typeof apdu === 'string' ? Buffer.from(apdu.replace(/\s+/g, ''), 'hex') : apdu);
  if (reaction.kind !== 'answer') throw new Error(`card did not answer: ${reaction.kind}`);
  const r = reaction.response;
  return { data: r.subarray(0, r.length - 2), sw: r.readUInt16BE(r.length - 2) };
}

/** Like a host library: follows 61xx with GET RESPONSE until the card says 9000 (or an error). */
export function transmit(card: CardLogic, apdu: string | Buffer): Rapdu {
  let answer = tx(card, apdu);
  const parts = [answer.data];
  while (answer.sw >> 8 === 0x61) {
    answer = tx(card, Buffer.from([0x00, 0xc0, 0x00, 0x00, answer.sw & 0xff]));
    parts.push(answer.data);
  }
  return { data: Buffer.concat(parts), sw: answer.sw };
}

/** A short APDU (chained with CLA 10 when the data exceeds 255 bytes), as yubico-piv-tool sends. */
export function transmitChained(card: CardLogic, header: string, data: Buffer): Rapdu {
  const [, ins = 0, p1 = 0, p2 = 0] = Buffer.from(header, 'hex');
  let offset = 0;
  for (;;) {
    const chunk = data.subarray(offset, offset + 255);
    offset += chunk.length;
    const last = offset >= data.length;
    const apdu = Buffer.concat([Buffer.from([last ? 0x00 : 0x10, ins, p1, p2, chunk.length]), chunk]);
    if (last) return transmit(card, apdu);
    const r = tx(card, apdu);
    if (r.sw !== 0x9000) return r;
  }
}

export function select(card: CardLogic): Rapdu {
  return tx(card, '00a4040005a000000308');
}

export function tdes(key: Buffer, block: Buffer): Buffer {
  const c = createCipheriv('des-ede3-ecb', key, null);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(block), c.final()]);
}

/** Single (external) authentication with the 9B key, as desk-issuance.md describes. */
export function authenticate(card: CardLogic, key: Buffer = FACTORY_KEY): number {
  const challenge = tx(card, '008703 9b 04 7c028100');
  if (challenge.sw !== 0x9000) return challenge.sw;
  const value = challenge.data.subarray(4, 12);
  const response = tdes(key, value);
  return tx(card, Buffer.concat([Buffer.from('0087039b0c7c0a8208', 'hex'), response])).sw;
}

export function verifyPin(card: CardLogic, pin: string): number {
  const padded = Buffer.alloc(8, 0xff);
  padded.write(pin, 'latin1');
  return tx(card, Buffer.concat([Buffer.from('0020008008', 'hex'), padded])).sw;
}

/** The public key from a GENERATE answer (7F49 with 81/82 or 86). */
export function publicKeyOf(generateAnswer: Buffer): KeyObject {
  const [outer] = parseBerTlvFlat(generateAnswer);
  if (outer?.tag !== '7f49') throw new Error('not a 7F49 template');
  const items = new Map(parseBerTlvFlat(Buffer.from(outer.value, 'hex')).map((n) => [n.tag, Buffer.from(n.value, 'hex')]));
  const point = items.get('86');
  if (point) {
    const size = (point.length - 1) / 2;
    return createPublicKey({
      format: 'jwk',
      key: { kty: 'EC', crv: size === 32 ? 'P-256' : 'P-384', x: point.subarray(1, 1 + size).toString('base64url'), y: point.subarray(1 + size).toString('base64url') },
    });
  }
  return createPublicKey({
    format: 'jwk',
    key: { kty: 'RSA', n: (items.get('81') ?? Buffer.alloc(0)).toString('base64url'), e: (items.get('82') ?? Buffer.alloc(0)).toString('base64url') },
  });
}

/** GENERAL AUTHENTICATE `7C L 82 00 81 L <input>` on a slot, chained as needed. */
export function sign(card: CardLogic, algorithm: number, slot: number, input: Buffer): Rapdu {
  const inner = Buffer.concat([Buffer.from([0x82, 0x00]), tlvBytes(0x81, input)]);
  return transmitChained(card, `0087${hex(algorithm)}${hex(slot)}`, tlvBytes(0x7c, inner));
}

export function tlvBytes(tag: number, value: Buffer): Buffer {
  const t = tag > 0xff ? Buffer.from([tag >> 8, tag & 0xff]) : Buffer.from([tag]);
  const l = value.length < 0x80 ? Buffer.from([value.length]) : value.length < 0x100 ? Buffer.from([0x81, value.length]) : Buffer.from([0x82, value.length >> 8, value.length & 0xff]);
  return Buffer.concat([t, l, value]);
}

export const hex = (b: number) => b.toString(16).padStart(2, '0');

/** The value inside `7C .. 82 L <value>`. */
export function authenticationResult(data: Buffer): Buffer {
  const [outer] = parseBerTlvFlat(data);
  const inner = parseBerTlvFlat(Buffer.from(outer?.value ?? '', 'hex'));
  return Buffer.from(inner.find((n) => n.tag === '82')?.value ?? '', 'hex');
}
