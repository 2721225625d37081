// PIV data objects and key references (SP 800-73-4 part 1 §3, part 2 §3) and the few BER-TLV
// encodings the session builds. Parsing goes through the station's one TLV parser (../tlv.ts).
import { hexToBytes } from '../../../shared/hex';
import { RETIRED_SLOTS } from '../../../shared/issuance';
import { PIV_AID as IDENTIFY_PIV_AID } from '../identify';
import type { CertificateSlot, PivKeyAlgorithm, RetiredSlot } from './types';
import type { FlatTlvNode } from '../tlv';

/** PIV application AID, full form: the one card identification selects (../identify.ts). */
export const PIV_AID = Buffer.from(IDENTIFY_PIV_AID);

/** Object tags (5C 03 xx xx xx) per SP 800-73-4 part 1 table 3. */
export const CHUID_OBJECT = Buffer.from('5fc102', 'hex');
/** Retired X.509 Certificate for Key Management 1-20 (5FC10D-5FC120) belong to key references 82-95, in order. */
const retired = <T>(value: (index: number) => T) => Object.fromEntries(RETIRED_SLOTS.map((slot, i) => [slot, value(i)])) as Record<RetiredSlot, T>;

export const CERTIFICATE_OBJECTS: Readonly<Record<CertificateSlot, Buffer>> = {
  '9a': Buffer.from('5fc105', 'hex'),
  '9c': Buffer.from('5fc10a', 'hex'),
  '9d': Buffer.from('5fc10b', 'hex'),
  '9e': Buffer.from('5fc101', 'hex'),
  ...retired((i) => Buffer.from([0x5f, 0xc1, 0x0d + i])),
};
/** Key History object (SP 800-73-4 part 1 table 3 and §3.3.2). */
export const KEY_HISTORY_OBJECT = Buffer.from('5fc10c', 'hex');

/** A slot's key reference: PIV names each slot by it (SP 800-73-4 part 1 table 4b: 9A, 9C, 9D, 9E, 82-95). */
export const keyReference = (slot: CertificateSlot): number => Number.parseInt(slot, 16);
/** The card management (admin) key reference. */
export const ADMIN_KEY_REFERENCE = 0x9b;

/** SP 800-78-4 table 6-2 algorithm identifiers. */
export const ALGORITHM_ID: Readonly<Record<PivKeyAlgorithm, number>> = { rsa2048: 0x07, eccp256: 0x11 };
export const ALGORITHM_3DES = 0x03;
/** YubiKey AES management key algorithms (yubico-piv-tool lib/ykpiv.h YKPIV_ALGO_AES128/192/256). */
export const AES_ALGORITHMS: ReadonlyMap<number, string> = new Map([
  [0x08, 'aes128'],
  [0x0a, 'aes192'],
  [0x0c, 'aes256'],
]);

/**
 * The FASC-N a YubiKey's tools write into a fresh CHUID (yubico-piv-tool lib/util.c CHUID_TMPL):
 * agency code 9999, system 9999, credential 999999, the all-9s pattern SP 800-73-4 allows for cards
 * outside the federal PACS (PIV-I style).
 */
export const YUBICO_FASCN = Buffer.from('d4e739da739ced39ce739d836858210842108421c84210c3eb', 'hex');

/** BER-TLV with a one-byte tag (every tag the session writes) and a definite length (short form, or 81 / 82 long form). */
export function tlv(tag: number, value: Uint8Array): Buffer {
  const length = value.length;
  const lengthBytes = length < 0x80 ? [length] : length < 0x100 ? [0x81, length] : [0x82, length >> 8, length & 0xff];
  return Buffer.concat([Buffer.from([tag, ...lengthBytes]), value]);
}

/** `5C 03 <object>`: the tag list of GET DATA and PUT DATA. */
export function objectTagList(object: Buffer): Buffer {
  return tlv(0x5c, object);
}

export function nodeBytes(node: FlatTlvNode): Buffer {
  return Buffer.from(hexToBytes(node.value));
}
