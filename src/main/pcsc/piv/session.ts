// A PIV session over one card connection (SP 800-73-4 part 2, plus YubiKey's SET MANAGEMENT KEY and
// IMPORT ASYMMETRIC KEY). Every answer is checked against the shape its command defines before a
// byte of it is used; a wrong shape is PIV_CARD_ERROR (reason malformed-response).
//
// The commands are those real hosts send (read in Yubico/yubico-piv-tool lib/ykpiv.c, lib/util.c and
// OpenSC src/libopensc/card-piv.c), except the admin authentication: CM's `authenticationresponse`
// only encrypts a challenge, so the station uses PIV *single* authentication (`7C 02 81 00`, then
// `7C 0A 82 08 <response>`; ykpiv_auth_getchallenge / ykpiv_auth_verifyresponse and OpenSC's
// piv_general_external_authenticate), never the mutual one yubico-piv-tool's own login uses.
import { createCipheriv, createPrivateKey, createPublicKey, type JsonWebKey } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { StationError } from '../../../shared/errors';
import type { CardConnection } from '../binding';
import { exchange, expectOk, malformed, swHex, type Command, type Reply } from './apdu';
import {
  ADMIN_KEY_REFERENCE,
  ALGORITHM_3DES,
  ALGORITHM_ID,
  CERTIFICATE_OBJECTS,
  CHUID_OBJECT,
  KEY_HISTORY_OBJECT,
  PIV_AID,
  keyReference,
  YUBICO_FASCN,
  nodeBytes,
  objectTagList,
  tlv,
} from './objects';
import type { CertificateSlot, KeyHistory, PivKeyAlgorithm, PivSession, PivSlot } from './types';
import { parseBerTlvFlat } from '../tlv';

export interface PivSessionOptions {
  /**
   * Bound for one command exchange. A mute card blocks SCardTransmit forever; RSA-2048 key
   * generation takes seconds (up to about 20 s on older YubiKeys), hence the generous default.
   */
  readonly timeoutMs?: number;
  /** Clock for the CHUID expiry date (tests pin it). */
  readonly now?: () => Date;
}

const DEFAULT_PIV_TIMEOUT_MS = 60_000;
/** Years a written CHUID is valid for (its tag 35 expiry). SP 800-73-4 leaves the value to the issuer. */
const CHUID_VALIDITY_YEARS = 10;

const CLOSE_BOUND_MS = 2_000;

const SELECT: Command = { ins: 0xa4, p1: 0x04, p2: 0x00, data: PIV_AID, le: true };

/** PIN and PUK are sent as 8 bytes, padded with FF (SP 800-73-4 part 2 §3.2.1). */
function referenceData(value: string, what: 'pin' | 'puk'): Buffer {
  // Printable ASCII of 1 to 8 characters: the card enforces its own rules (YubiKey: 6 to 8).
  if (!/^[\x20-\x7e]{1,8}$/.test(value)) {
    throw new StationError('BAD_REQUEST', `The ${what.toUpperCase()} must be 1 to 8 printable characters.`, { which: what });
  }
  const padded = Buffer.alloc(8, 0xff);
  padded.write(value, 'ascii');
  return padded;
}

function base64Url(bytes: Buffer): string {
  return bytes.toString('base64url');
}

/** Left-pads an unsigned big-endian integer to `length` bytes (YubiKey IMPORT wants fixed sizes). */
function fixedLength(bytes: Buffer, length: number, what: string): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const trimmed = bytes.subarray(start);
  if (trimmed.length > length) throw new StationError('BAD_REQUEST', `The private key's ${what} is too long for the card.`, { what });
  return Buffer.concat([Buffer.alloc(length - trimmed.length), trimmed]);
}

function jwkPart(jwk: JsonWebKey, name: 'p' | 'q' | 'dp' | 'dq' | 'qi' | 'd'): Buffer {
  const value = jwk[name];
  if (typeof value !== 'string') throw new StationError('BAD_REQUEST', `The private key has no ${name}.`, { what: name });
  return Buffer.from(value, 'base64url');
}

function yyyymmdd(date: Date): string {
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  return `${pad(date.getUTCFullYear(), 4)}${pad(date.getUTCMonth() + 1, 2)}${pad(date.getUTCDate(), 2)}`;
}

/** The CHUID a YubiKey's tools write (FASC-N, GUID, expiry, empty signature, empty LRC), per SP 800-73-4 part 1 §3.1.2. */
export function chuidValue(guid: Buffer, expiry: string): Buffer {
  if (guid.length !== 16) throw new StationError('BAD_REQUEST', 'A CHUID GUID is 16 bytes.', { length: guid.length });
  if (!/^\d{8}$/.test(expiry)) throw new StationError('BAD_REQUEST', 'A CHUID expiry is YYYYMMDD.', { expiry });
  return Buffer.concat([
    tlv(0x30, YUBICO_FASCN),
    tlv(0x34, guid),
    tlv(0x35, Buffer.from(expiry, 'ascii')),
    tlv(0x3e, Buffer.alloc(0)),
    tlv(0xfe, Buffer.alloc(0)),
  ]);
}

/** The public key in a GENERATE answer (`7F49 { 81 n, 82 e }` or `7F49 { 86 04||x||y }`) as DER SPKI. */
export function spkiFromGenerateAnswer(command: Command, data: Buffer, algorithm: PivKeyAlgorithm): Buffer {
  const [outer, ...rest] = parseOrMalformed(command, data);
  if (!outer || rest.length > 0 || outer.tag !== '7f49') throw malformed(command, 'no single 7F49 public key template');
  const parts = parseOrMalformed(command, nodeBytes(outer));
  const part = (tag: string) => {
    const found = parts.filter((node) => node.tag === tag);
    if (found.length !== 1 || !found[0]) throw malformed(command, `public key part ${tag} missing or repeated`);
    return nodeBytes(found[0]);
  };
  try {
    if (algorithm === 'rsa2048') {
      const modulus = part('81');
      const exponent = part('82');
      const n = fixedLength(modulus, 256, 'modulus');
      if ((n[0] ?? 0) < 0x80) throw malformed(command, 'the modulus is not 2048 bits');
      if (exponent.length === 0 || exponent.length > 8) throw malformed(command, 'the exponent length is wrong');
      return createPublicKey({ key: { kty: 'RSA', n: base64Url(n), e: base64Url(exponent) }, format: 'jwk' }).export({ type: 'spki', format: 'der' });
    }
    const point = part('86');
    if (point.length !== 65 || point[0] !== 0x04) throw malformed(command, 'the EC point is not an uncompressed P-256 point');
    const key = { kty: 'EC', crv: 'P-256', x: base64Url(point.subarray(1, 33)), y: base64Url(point.subarray(33)) };
    // createPublicKey checks the point is on the curve.
    return createPublicKey({ key, format: 'jwk' }).export({ type: 'spki', format: 'der' });
  } catch (err) {
    if (err instanceof StationError) throw err;
    throw malformed(command, 'the public key is not valid');
  }
}

function parseOrMalformed(command: Command, data: Uint8Array) {
  try {
    return parseBerTlvFlat(data);
  } catch {
    throw malformed(command, 'BER-TLV does not parse');
  }
}

/** `7C L 8x L <value>` (a GENERAL AUTHENTICATE dynamic authentication template): the value of tag `inner`. */
function authenticationTemplateValue(command: Command, data: Buffer, inner: string): Buffer {
  const [outer, ...rest] = parseOrMalformed(command, data);
  if (!outer || rest.length > 0 || outer.tag !== '7c') throw malformed(command, 'no single 7C template');
  const [item, ...more] = parseOrMalformed(command, nodeBytes(outer));
  if (!item || more.length > 0 || item.tag !== inner) throw malformed(command, `no single ${inner} inside 7C`);
  return nodeBytes(item);
}

/** A GET DATA answer `53 L <value>` (nothing around it): the value. */
function containerValue(command: Command, data: Buffer): Buffer {
  const [outer, ...rest] = parseOrMalformed(command, data);
  if (!outer || rest.length > 0 || outer.tag !== '53') throw malformed(command, 'no single 53 container');
  return nodeBytes(outer);
}

export class CardPivSession implements PivSession {
  private readonly timeoutMs: number;
  private readonly now: () => Date;
  private closed = false;

  constructor(
    private readonly connection: CardConnection,
    options: PivSessionOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_PIV_TIMEOUT_MS;
    this.now = options.now ?? (() => new Date());
  }

  /** SELECT PIV: PIV_NOT_PRESENT on 6A 82. */
  async select(): Promise<void> {
    expectOk(SELECT, await this.send(SELECT));
  }

  async send(command: Command): Promise<Reply> {
    if (this.closed) throw new StationError('PIV_CARD_ERROR', 'The PIV session is closed.', { operation: 'session', reason: 'closed' });
    return exchange(this.connection, command, { timeoutMs: this.timeoutMs });
  }

  /** GET DATA of a data object: the TLV nodes it holds, or null when the card has none (6A82, or empty). */
  private async getObject(object: Buffer): Promise<{ command: Command; nodes: ReturnType<typeof parseOrMalformed> } | null> {
    const command = getData(object);
    const reply = await this.send(command);
    if (reply.sw === 0x6a82) return null;
    const value = containerValue(command, expectOk(command, reply));
    if (value.length === 0) return null;
    return { command, nodes: parseOrMalformed(command, value) };
  }

  async readChuidGuid(): Promise<string | null> {
    const found = await this.getObject(CHUID_OBJECT);
    if (found === null) return null;
    const { command, nodes } = found;
    const guids = nodes.filter((node) => node.tag === '34');
    if (guids.length === 0) return null;
    const guid = guids[0];
    if (guids.length > 1 || !guid || guid.value.length !== 32) throw malformed(command, 'the CHUID GUID (tag 34) is not one 16-byte value');
    // All zeros is "no GUID" (identify.ts reads it the same way).
    return /^0+$/.test(guid.value) ? null : guid.value;
  }

  async writeChuid(guid: Buffer): Promise<void> {
    const expiry = new Date(this.now().getTime());
    expiry.setUTCFullYear(expiry.getUTCFullYear() + CHUID_VALIDITY_YEARS);
    await this.putObject(CHUID_OBJECT, chuidValue(guid, yyyymmdd(expiry)));
  }

  async adminChallenge(): Promise<Buffer> {
    const command: Command = { ins: 0x87, p1: ALGORITHM_3DES, p2: ADMIN_KEY_REFERENCE, data: Buffer.from('7c028100', 'hex'), le: true };
    const challenge = authenticationTemplateValue(command, expectOk(command, await this.send(command)), '81');
    if (challenge.length !== 8) throw malformed(command, `a 3DES challenge is 8 bytes, not ${challenge.length}`);
    return challenge;
  }

  async adminRespond(response: Buffer): Promise<void> {
    if (response.length !== 8) throw new StationError('BAD_REQUEST', 'A 3DES challenge response is 8 bytes.', { length: response.length });
    const command: Command = { ins: 0x87, p1: ALGORITHM_3DES, p2: ADMIN_KEY_REFERENCE, data: tlv(0x7c, tlv(0x82, response)) };
    const reply = await this.send(command);
    if (reply.sw !== 0x9000) {
      // A YubiKey answers 69 82 to a wrong response; any refusal means the key did not match.
      throw new StationError('PIV_ADMIN_AUTH_FAILED', 'The card refused the admin key (9B) authentication.', {
        operation: 'GENERAL AUTHENTICATE',
        sw: swHex(reply.sw),
      });
    }
  }

  async authenticateAdmin(key3des: Buffer): Promise<void> {
    const challenge = await this.adminChallenge();
    await this.adminRespond(encrypt3desEcb(key3des, challenge));
  }

  async setManagementKey(key3des: Buffer): Promise<void> {
    if (key3des.length !== 24) throw new StationError('BAD_REQUEST', 'A 3DES management key is 24 bytes.', { length: key3des.length });
    // YubiKey SET MANAGEMENT KEY: P2 FF = no touch (ykpiv_set_mgmkey3); data 03 9B 18 <key>, written as given.
    const command: Command = { ins: 0xff, p1: 0xff, p2: 0xff, data: Buffer.concat([Buffer.from([ALGORITHM_3DES, ADMIN_KEY_REFERENCE, 24]), key3des]) };
    expectOk(command, await this.send(command));
  }

  async generateKey(slot: PivSlot, algorithm: PivKeyAlgorithm): Promise<Buffer> {
    // AC 03 80 01 <alg>: the control reference template with the algorithm (ykpiv_util_generate_key).
    const command: Command = {
      ins: 0x47,
      p1: 0x00,
      p2: keyReference(slot),
      data: tlv(0xac, tlv(0x80, Buffer.from([ALGORITHM_ID[algorithm]]))),
      le: true,
    };
    return spkiFromGenerateAnswer(command, expectOk(command, await this.send(command)), algorithm);
  }

  async sign(slot: PivSlot, algorithm: PivKeyAlgorithm, input: Buffer): Promise<Buffer> {
    let block = input;
    if (algorithm === 'rsa2048' && input.length !== 256) {
      throw new StationError('BAD_REQUEST', 'An RSA-2048 signature input is the 256-byte padded block.', { length: input.length });
    }
    // ECDSA uses the leftmost bits of a longer hash (FIPS 186-4 §6.4); ykpiv truncates the same way.
    if (algorithm === 'eccp256') block = input.subarray(0, 32);
    const template = tlv(0x7c, Buffer.concat([tlv(0x82, Buffer.alloc(0)), tlv(0x81, block)]));
    const command: Command = { ins: 0x87, p1: ALGORITHM_ID[algorithm], p2: keyReference(slot), data: template, le: true };
    const signature = authenticationTemplateValue(command, expectOk(command, await this.send(command)), '82');
    if (algorithm === 'rsa2048' && signature.length !== 256) throw malformed(command, 'an RSA-2048 signature is 256 bytes');
    if (algorithm === 'eccp256' && (signature[0] !== 0x30 || signature.length < 8 || signature.length > 72)) {
      throw malformed(command, 'not a DER ECDSA signature');
    }
    return signature;
  }

  async importKey(slot: CertificateSlot, privateKeyPkcs8Der: Buffer): Promise<void> {
    let jwk: JsonWebKey;
    try {
      jwk = createPrivateKey({ key: privateKeyPkcs8Der, format: 'der', type: 'pkcs8' }).export({ format: 'jwk' });
    } catch {
      throw new StationError('BAD_REQUEST', 'The private key to import is not a valid PKCS#8 key.', { operation: 'IMPORT ASYMMETRIC KEY' });
    }
    let algorithm: number;
    let parts: Buffer[];
    if (jwk.kty === 'RSA' && Buffer.from(jwk.n ?? '', 'base64url').length === 256) {
      // Tags 01..05 = p, q, dp, dq, qinv, each 128 bytes (ykpiv_import_private_key).
      algorithm = ALGORITHM_ID.rsa2048;
      parts = (['p', 'q', 'dp', 'dq', 'qi'] as const).map((name, index) => tlv(0x01 + index, fixedLength(jwkPart(jwk, name), 128, name)));
    } else if (jwk.kty === 'EC' && jwk.crv === 'P-256') {
      algorithm = ALGORITHM_ID.eccp256;
      parts = [tlv(0x06, fixedLength(jwkPart(jwk, 'd'), 32, 'd'))];
    } else {
      throw new StationError('BAD_REQUEST', 'Only RSA-2048 and P-256 keys can be imported.', { kty: jwk.kty ?? null, crv: jwk.crv ?? null });
    }
    const data = Buffer.concat(parts);
    try {
      const command: Command = { ins: 0xfe, p1: algorithm, p2: keyReference(slot), data };
      expectOk(command, await this.send(command));
    } finally {
      data.fill(0);
      for (const part of parts) part.fill(0);
    }
  }

  async putCertificate(slot: CertificateSlot, certificateDer: Buffer): Promise<void> {
    // 70 certificate, 71 CertInfo 00 (not compressed), FE error detection code (SP 800-73-4 part 1 table 10).
    const value = Buffer.concat([tlv(0x70, certificateDer), tlv(0x71, Buffer.from([0x00])), tlv(0xfe, Buffer.alloc(0))]);
    await this.putObject(CERTIFICATE_OBJECTS[slot], value);
  }

  async readCertificate(slot: CertificateSlot): Promise<Buffer | null> {
    const found = await this.getObject(CERTIFICATE_OBJECTS[slot]);
    if (found === null) return null;
    const { command, nodes } = found;
    const certificate = nodes.find((node) => node.tag === '70');
    if (!certificate) throw malformed(command, 'no certificate (tag 70) in the object');
    const info = nodes.find((node) => node.tag === '71');
    const der = nodeBytes(certificate);
    // CertInfo 01 = gzip-compressed (YubiKey tools may write certificates so; SP 800-73-4 allows it).
    if (info?.value === '01') {
      try {
        return gunzipSync(der, { maxOutputLength: 64 * 1024 });
      } catch {
        throw malformed(command, 'the compressed certificate does not inflate');
      }
    }
    return der.length === 0 ? null : der;
  }

  async putKeyHistory(history: KeyHistory): Promise<void> {
    // C1 keysWithOnCardCerts, C2 keysWithOffCardCerts, FE error detection code; F3 offCardCertURL is only
    // for off-card certificates, which the station never leaves (SP 800-73-4 part 1 §3.3.2, table 19).
    const count = (n: number, what: string) => {
      if (!Number.isInteger(n) || n < 0 || n > 20) throw new StationError('BAD_REQUEST', `A key history count is 0 to 20 (${what}).`, { what, n });
      return Buffer.from([n]);
    };
    const value = Buffer.concat([
      tlv(0xc1, count(history.onCardCertificates, 'keysWithOnCardCerts')),
      tlv(0xc2, count(history.offCardCertificates, 'keysWithOffCardCerts')),
      tlv(0xfe, Buffer.alloc(0)),
    ]);
    await this.putObject(KEY_HISTORY_OBJECT, value);
  }

  async readKeyHistory(): Promise<KeyHistory | null> {
    const found = await this.getObject(KEY_HISTORY_OBJECT);
    if (found === null) return null;
    const { command, nodes } = found;
    // Read as OpenSC's piv_process_history does: each count one byte, at most the 20 retired slots.
    const count = (tag: string) => {
      const found = nodes.filter((node) => node.tag === tag);
      if (found.length === 0) return 0;
      const n = Number.parseInt(found[0]?.value ?? '', 16);
      if (found.length > 1 || found[0]?.value.length !== 2 || n > 20) throw malformed(command, `the key history count ${tag} is not one byte of 0 to 20`);
      return n;
    };
    return { onCardCertificates: count('c1'), offCardCertificates: count('c2') };
  }

  async verifyPin(pin: string): Promise<void> {
    const data = referenceData(pin, 'pin');
    try {
      const command: Command = { ins: 0x20, p1: 0x00, p2: 0x80, data };
      expectOk(command, await this.send(command));
    } finally {
      data.fill(0);
    }
  }

  /** VERIFY with no data: the PIN tries left (63 Cx), 0 when blocked, null when already verified or unknown. */
  async pinTriesLeft(): Promise<number | null> {
    const command: Command = { ins: 0x20, p1: 0x00, p2: 0x80 };
    const reply = await this.send(command);
    if ((reply.sw & 0xfff0) === 0x63c0) return reply.sw & 0x0f;
    if (reply.sw === 0x6983) return 0;
    return null;
  }

  async changeReference(which: 'pin' | 'puk', current: string, next: string): Promise<void> {
    const data = Buffer.concat([referenceData(current, which), referenceData(next, which)]);
    try {
      const command: Command = { ins: 0x24, p1: 0x00, p2: which === 'pin' ? 0x80 : 0x81, data };
      this.expectReference(command, await this.send(command), which);
    } finally {
      data.fill(0);
    }
  }

  async resetRetryCounter(puk: string, newPin: string): Promise<void> {
    const data = Buffer.concat([referenceData(puk, 'puk'), referenceData(newPin, 'pin')]);
    try {
      const command: Command = { ins: 0x2c, p1: 0x00, p2: 0x80, data };
      this.expectReference(command, await this.send(command), 'puk');
    } finally {
      data.fill(0);
    }
  }

  /** GET VERSION (YubiKey `00 FD 00 00`): "5.4.3", or null when the card does not know the command. */
  async firmwareVersion(): Promise<string | null> {
    const command: Command = { ins: 0xfd, p1: 0x00, p2: 0x00, le: true };
    const reply = await this.send(command);
    if (reply.sw !== 0x9000) return null;
    if (reply.data.length !== 3) throw malformed(command, 'a version is 3 bytes');
    return [...reply.data].join('.');
  }

  /**
   * YubiKey GET METADATA for the 9B key (firmware 5.3 and later): its algorithm byte (01 01 xx), or
   * null when the card does not support the command.
   */
  async adminKeyAlgorithm(): Promise<number | null> {
    const command: Command = { ins: 0xf7, p1: 0x00, p2: ADMIN_KEY_REFERENCE, le: true };
    const reply = await this.send(command);
    if (reply.sw !== 0x9000) return null;
    const algorithm = parseOrMalformed(command, reply.data).filter((node) => node.tag === '01');
    if (algorithm.length !== 1 || algorithm[0]?.value.length !== 2) throw malformed(command, 'no single algorithm (tag 01)');
    return Number.parseInt(algorithm[0].value, 16);
  }

  /**
   * Disconnects leaving the card. A disconnect queued behind a transmit that never returns (mute card)
   * would never settle: after a short bound the session counts as closed and the disconnect completes
   * in the background once the card answers or goes.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, CLOSE_BOUND_MS);
    });
    const disconnect = this.connection.disconnect();
    disconnect.catch(() => {
      // A late disconnect is best-effort.
    });
    try {
      await Promise.race([disconnect, bound]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes without waiting (a transmit may still hang on a mute card). */
  abandon(): void {
    if (this.closed) return;
    this.closed = true;
    this.connection.disconnect().catch(() => {
      // Best-effort disconnect of a card that may be mute.
    });
  }

  private async putObject(object: Buffer, value: Buffer): Promise<void> {
    const command: Command = { ins: 0xdb, p1: 0x3f, p2: 0xff, data: Buffer.concat([objectTagList(object), tlv(0x53, value)]) };
    expectOk(command, await this.send(command));
  }

  private expectReference(command: Command, reply: Reply, which: 'pin' | 'puk'): void {
    try {
      expectOk(command, reply);
    } catch (err) {
      // Say which reference was wrong or blocked: the PUK's 63 Cx is not the PIN's.
      if (err instanceof StationError && (err.code === 'PIV_PIN_WRONG' || err.code === 'PIV_PIN_BLOCKED')) {
        throw new StationError(err.code, err.message, { ...err.details, which });
      }
      throw err;
    }
  }
}

function getData(object: Buffer): Command {
  return { ins: 0xcb, p1: 0x3f, p2: 0xff, data: objectTagList(object), le: true };
}

/** 3DES-ECB of one 8-byte block, no padding: what CM's `authenticationresponse` computes (desk-issuance.md). */
export function encrypt3desEcb(key: Buffer, block: Buffer): Buffer {
  if (key.length !== 24) throw new StationError('BAD_REQUEST', 'A 3DES key is 24 bytes.', { length: key.length });
  const cipher = createCipheriv('des-ede3-ecb', key, null);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(block), cipher.final()]);
}
