// Command APDU decoding (ISO/IEC 7816-3 §12.1, 7816-4 §5.1) and the status words the card answers
// with. Short and extended forms are both accepted: yubico-piv-tool sends short APDUs with command
// chaining, OpenSC may send either, and a YubiKey takes both.

/** Status words this card answers (ISO 7816-4 §5.1.3; the PIV meanings are SP 800-73-4 part 2 §3). */
export const SW = {
  OK: 0x9000,
  /** 61xx: more response bytes; fetch them with GET RESPONSE. */
  BYTES_REMAINING: 0x6100,
  /** 63Cx: verification failed, x tries left. */
  VERIFY_FAILED: 0x63c0,
  WRONG_LENGTH: 0x6700,
  LAST_COMMAND_EXPECTED: 0x6883,
  SECURITY_STATUS: 0x6982,
  AUTH_BLOCKED: 0x6983,
  CONDITIONS: 0x6985,
  INCORRECT_DATA: 0x6a80,
  FILE_NOT_FOUND: 0x6a82,
  NOT_ENOUGH_MEMORY: 0x6a84,
  INCORRECT_P1P2: 0x6a86,
  REFERENCE_NOT_FOUND: 0x6a88,
  /** What a YubiKey answers for a key reference it has no slot for (ykpiv.h SW_ERR_INCORRECT_SLOT). */
  WRONG_SLOT: 0x6b00,
  INS_NOT_SUPPORTED: 0x6d00,
  CLA_NOT_SUPPORTED: 0x6e00,
} as const;

export interface CommandApdu {
  readonly cla: number;
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  readonly data: Buffer;
  /** Ne, the most response bytes the host takes: 256 (short) or 65536 (extended) when Le is 00 / absent. */
  readonly ne: number;
  /** True when Le was present in the command. */
  readonly leGiven: boolean;
  readonly extended: boolean;
}

/** The four ISO cases in short and extended form; anything else is a wrong length. */
export function parseCommandApdu(raw: Buffer): CommandApdu | null {
  if (raw.length < 4) return null;
  const [cla = 0, ins = 0, p1 = 0, p2 = 0] = raw;
  const header = { cla, ins, p1, p2 };
  const short = (data: Buffer, le: number | null): CommandApdu => ({
    ...header,
    data,
    ne: le === null || le === 0 ? 256 : le,
    leGiven: le !== null,
    extended: false,
  });
  const extended = (data: Buffer, le: number | null): CommandApdu => ({
    ...header,
    data,
    ne: le === null || le === 0 ? 65536 : le,
    leGiven: le !== null,
    extended: true,
  });
  if (raw.length === 4) return short(Buffer.alloc(0), null); // case 1
  const b4 = raw[4] ?? 0;
  if (raw.length === 5) return short(Buffer.alloc(0), b4); // case 2S
  if (b4 !== 0) {
    if (raw.length === 5 + b4) return short(raw.subarray(5), null); // case 3S
    if (raw.length === 6 + b4) return short(raw.subarray(5, 5 + b4), raw[5 + b4] ?? 0); // case 4S
    return null;
  }
  // b4 = 00 with more bytes: extended length.
  if (raw.length === 7) return extended(Buffer.alloc(0), raw.readUInt16BE(5)); // case 2E
  const lc = raw.readUInt16BE(5);
  if (lc === 0) return null;
  if (raw.length === 7 + lc) return extended(raw.subarray(7), null); // case 3E
  if (raw.length === 9 + lc) return extended(raw.subarray(7, 7 + lc), raw.readUInt16BE(7 + lc)); // case 4E
  return null;
}

export function swBytes(sw: number): Buffer {
  return Buffer.from([(sw >> 8) & 0xff, sw & 0xff]);
}

/** BER-TLV with a definite length (1, 2 or 3 length bytes), as every PIV structure uses. */
export function tlv(tag: number | Buffer, value: Buffer): Buffer {
  const t = typeof tag === 'number' ? (tag > 0xff ? Buffer.from([tag >> 8, tag & 0xff]) : Buffer.from([tag])) : tag;
  let length: Buffer;
  if (value.length < 0x80) length = Buffer.from([value.length]);
  else if (value.length < 0x100) length = Buffer.from([0x81, value.length]);
  else length = Buffer.from([0x82, value.length >> 8, value.length & 0xff]);
  return Buffer.concat([t, length, value]);
}
