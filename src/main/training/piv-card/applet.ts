// The PIV application of a YubiKey 5 (firmware below 5.7 unless configured otherwise): SP 800-73-4
// part 2 commands plus Yubico's extensions, one complete command at a time (chaining and GET RESPONSE
// are the transport's, ./index.ts). Status words follow SP 800-73-4 and, where Yubico differs or
// adds, what yubico-piv-tool's ykpiv.h and the tools' bug reports show a YubiKey answering.
import { randomBytes } from 'node:crypto';
import { parseBerTlvFlat } from '../../pcsc';
import { SW, tlv } from './apdu';
import { firmwareAtLeast, firmwareBytes } from './config';
import {
  ALG,
  generateCardKey,
  importEcKey,
  importRsaKey,
  isAsymmetricAlgorithm,
  isManagementAlgorithm,
  keyAgreement,
  managementBlockSize,
  managementCipher,
  managementKeyLength,
  privateOperation,
  type CardKey,
} from './keys';
import {
  defaultManagementKey,
  defaultPinPolicy,
  factoryReset,
  isKeySlot,
  PIN_POLICY,
  TOUCH_POLICY,
  type CardEeprom,
  type PinPolicy,
  type ReferenceData,
  type TouchPolicy,
} from './state';

const PIV_AID = Buffer.from('a000000308000010000100', 'hex');

/** A right-truncated AID selects too (ISO 7816-4 §8.2.2.2; the RID alone is what yubico-piv-tool sends). */
export function selectsPiv(aid: Buffer): boolean {
  return aid.length >= 5 && aid.length <= PIV_AID.length && PIV_AID.subarray(0, aid.length).equals(aid);
}

/** A complete command (chains already joined). */
export interface AppletCommand {
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  readonly data: Buffer;
}

export interface AppletAnswer {
  readonly data: Buffer;
  readonly sw: number;
}

export interface PivApplet {
  /** Power-on or reset: nothing selected, no PIN verified, no management key authenticated. */
  powerOn(): void;
  process(command: AppletCommand): AppletAnswer;
}

const status = (sw: number): AppletAnswer => ({ data: Buffer.alloc(0), sw });
const ok = (data: Buffer = Buffer.alloc(0)): AppletAnswer => ({ data, sw: SW.OK });

/** The application property template a YubiKey answers SELECT with (AID suffix, authority AID). */
export const APPLICATION_PROPERTY_TEMPLATE = tlv(0x61, Buffer.concat([tlv(0x4f, PIV_AID.subarray(5)), tlv(0x79, tlv(0x4f, PIV_AID.subarray(0, 5)))]));
/** Discovery object (SP 800-73-4 part 1 §3.3.2): PIV AID, PIN usage policy 40 00 (PIV PIN only), as a YubiKey has it. */
const DISCOVERY_OBJECT = tlv(0x7e, Buffer.concat([tlv(0x4f, PIV_AID), tlv(0x5f2f, Buffer.from([0x40, 0x00]))]));

/** Objects SP 800-73-4 part 1 table 3 reads only after the PIN (fingerprints, facial image, printed information, iris). */
const PIN_PROTECTED_OBJECTS = new Set(['5fc103', '5fc108', '5fc109', '5fc121']);
/** Largest object a YubiKey 5 stores: its 3072-byte buffer less 5C/53 headers (ykpiv internal.h CB_OBJ_MAX). */
const MAX_OBJECT = 3063;

/** PIV data objects (5FC101-5FC123), the biometric group template 7F61, and Yubico's own 5FFF00-5FFF15. */
function isWritableObject(tag: string): boolean {
  const low = Number.parseInt(tag.slice(4), 16);
  if (tag.length === 6 && tag.startsWith('5fc1')) return low >= 0x01 && low <= 0x23;
  if (tag.length === 6 && tag.startsWith('5fff')) return low <= 0x15;
  return tag === '7f61';
}

/** PIN/PUK as sent (8 bytes, FF-padded): 6-8 bytes of value, then only padding. */
function isWellFormedReference(padded: Buffer): boolean {
  const end = padded.indexOf(0xff);
  const length = end === -1 ? padded.length : end;
  return padded.length === 8 && length >= 6 && padded.subarray(length).every((b) => b === 0xff);
}

type Tlvs = Map<string, Buffer>;

/** One level of TLVs into a map; null for malformed input or a repeated tag. */
function tlvMap(data: Buffer): Tlvs | null {
  try {
    const map: Tlvs = new Map();
    for (const node of parseBerTlvFlat(data)) {
      if (map.has(node.tag)) return null;
      map.set(node.tag, Buffer.from(node.value, 'hex'));
    }
    return map;
  } catch {
    // Not BER-TLV: the caller answers with the card's status word for bad data.
    return null;
  }
}

/**
 * The items of a template such as `7C L { ... }` (dynamic authentication) or `AC L { ... }` (key
 * generation), or null. Flat parses: item tags like AA have the constructed bit set but hold a byte.
 */
function template(data: Buffer, tag: string): Tlvs | null {
  const outer = tlvMap(data);
  const inner = outer?.size === 1 ? outer.get(tag) : undefined;
  return inner ? tlvMap(inner) : null;
}

const hasExactly = (items: Tlvs, ...tags: string[]) => items.size === tags.length && tags.every((t) => items.has(t));

export function createPivApplet(eeprom: CardEeprom): PivApplet {
  // Security status (SP 800-73-4 part 2 §2.4): volatile, like the selected application.
  let selected = false;
  let pinVerified = false;
  /** The last command was a successful VERIFY: what a PIN-always key (9C) needs for one operation. */
  let pinJustVerified = false;
  let managementAuthenticated = false;
  /** The 9B challenge or witness the card issued in the previous command (good for the next one only). */
  let pendingChallenge: { kind: 'challenge' | 'witness'; value: Buffer } | null = null;

  const triesLeft = (ref: ReferenceData): AppletAnswer => status(SW.VERIFY_FAILED | Math.min(ref.remaining, 0x0f));

  /** Compare and count (SP 800-73-4 part 2 §3.2.1): a wrong value costs a try, a right one restores them. */
  function check(ref: ReferenceData, candidate: Buffer): AppletAnswer | null {
    if (ref.remaining === 0) return status(SW.AUTH_BLOCKED);
    if (!candidate.equals(ref.value)) {
      ref.remaining -= 1;
      return triesLeft(ref);
    }
    ref.remaining = ref.retries;
    return null;
  }

  function verify({ p1, p2, data }: AppletCommand): AppletAnswer {
    if (p2 !== 0x80) return status(SW.REFERENCE_NOT_FOUND);
    if (p1 === 0xff) {
      // Reset the PIN's security status (SP 800-73-4 part 2 §3.2.1, P1 = FF).
      if (data.length !== 0) return status(SW.INCORRECT_DATA);
      pinVerified = false;
      return ok();
    }
    if (p1 !== 0x00) return status(SW.INCORRECT_P1P2);
    if (data.length === 0) {
      // No data: report the status without spending a try.
      if (eeprom.pin.remaining === 0) return status(SW.AUTH_BLOCKED);
      return pinVerified ? ok() : triesLeft(eeprom.pin);
    }
    if (data.length !== 8) return status(SW.INCORRECT_DATA);
    const failed = check(eeprom.pin, data);
    if (failed) {
      pinVerified = false;
      return failed;
    }
    pinVerified = true;
    pinJustVerified = true;
    return ok();
  }

  function changeReference({ p1, p2, data }: AppletCommand): AppletAnswer {
    if (p1 !== 0x00) return status(SW.INCORRECT_P1P2);
    const ref = p2 === 0x80 ? eeprom.pin : p2 === 0x81 ? eeprom.puk : null;
    if (!ref) return status(SW.REFERENCE_NOT_FOUND);
    if (data.length !== 16 || !isWellFormedReference(data.subarray(8))) return status(SW.INCORRECT_DATA);
    const failed = check(ref, data.subarray(0, 8));
    if (failed) {
      if (ref === eeprom.pin) pinVerified = false;
      return failed;
    }
    ref.value = Buffer.from(data.subarray(8));
    return ok();
  }

  function resetRetryCounter({ p1, p2, data }: AppletCommand): AppletAnswer {
    if (p1 !== 0x00) return status(SW.INCORRECT_P1P2);
    if (p2 !== 0x80) return status(SW.REFERENCE_NOT_FOUND);
    if (data.length !== 16 || !isWellFormedReference(data.subarray(8))) return status(SW.INCORRECT_DATA);
    const failed = check(eeprom.puk, data.subarray(0, 8));
    if (failed) return failed;
    eeprom.pin.value = Buffer.from(data.subarray(8));
    eeprom.pin.remaining = eeprom.pin.retries;
    return ok();
  }

  function objectTag(data: Buffer): string | null {
    const items = tlvMap(data);
    const tag = items?.get('5c');
    return items?.size === 1 && tag && tag.length >= 1 && tag.length <= 3 ? tag.toString('hex') : null;
  }

  function getData({ p1, p2, data }: AppletCommand): AppletAnswer {
    if (p1 !== 0x3f || p2 !== 0xff) return status(SW.INCORRECT_P1P2);
    const tag = objectTag(data);
    if (tag === null) return status(SW.INCORRECT_DATA);
    if (tag === '7e') return ok(DISCOVERY_OBJECT);
    if (PIN_PROTECTED_OBJECTS.has(tag) && !pinVerified) return status(SW.SECURITY_STATUS);
    const value = eeprom.objects.get(tag);
    return value ? ok(tlv(0x53, value)) : status(SW.FILE_NOT_FOUND);
  }

  function putData({ p1, p2, data }: AppletCommand): AppletAnswer {
    if (p1 !== 0x3f || p2 !== 0xff) return status(SW.INCORRECT_P1P2);
    if (!managementAuthenticated) return status(SW.SECURITY_STATUS);
    let nodes;
    try {
      nodes = parseBerTlvFlat(data);
    } catch {
      // Malformed data is the host's mistake: the card answers it with a status word, as a card does.
      return status(SW.INCORRECT_DATA);
    }
    const [tagNode, valueNode] = nodes;
    if (nodes.length !== 2 || tagNode?.tag !== '5c' || valueNode?.tag !== '53') return status(SW.INCORRECT_DATA);
    const tag = tagNode.value;
    if (!isWritableObject(tag)) return status(SW.INCORRECT_DATA);
    const value = Buffer.from(valueNode.value, 'hex');
    if (value.length > MAX_OBJECT) return status(SW.NOT_ENOUGH_MEMORY);
    // An empty 53 deletes the object (yubico-piv-tool's delete-certificate writes exactly that).
    if (value.length === 0) eeprom.objects.delete(tag);
    else eeprom.objects.set(tag, value);
    return ok();
  }

  /** Policies from tags AA / AB (00 = the slot's default); null when a value is out of range. */
  function policies(items: Tlvs, slot: number): { pin: PinPolicy; touch: TouchPolicy } | null {
    const pinByte = items.get('aa');
    const touchByte = items.get('ab');
    if ((pinByte && pinByte.length !== 1) || (touchByte && touchByte.length !== 1)) return null;
    const pin = pinByte?.[0] ?? PIN_POLICY.DEFAULT;
    const touch = touchByte?.[0] ?? TOUCH_POLICY.DEFAULT;
    if (pin > 3 || touch > 3) return null;
    return {
      pin: pin === PIN_POLICY.DEFAULT ? defaultPinPolicy(slot) : (pin as PinPolicy),
      touch: touch === TOUCH_POLICY.DEFAULT ? TOUCH_POLICY.NEVER : (touch as TouchPolicy),
    };
  }

  function generate({ p1, p2, data }: AppletCommand): AppletAnswer {
    if (p1 !== 0x00) return status(SW.INCORRECT_P1P2);
    if (!managementAuthenticated) return status(SW.SECURITY_STATUS);
    if (!isKeySlot(p2)) return status(SW.WRONG_SLOT);
    const control = template(data, 'ac');
    const algorithm = control?.get('80');
    if (!control || algorithm?.length !== 1 || !isAsymmetricAlgorithm(algorithm[0] ?? 0)) return status(SW.INCORRECT_DATA);
    const policy = policies(control, p2);
    if (!policy) return status(SW.INCORRECT_DATA);
    const alg = algorithm[0] as Parameters<typeof generateCardKey>[0];
    const key = generateCardKey(alg);
    eeprom.keys.set(p2, { key, algorithm: alg, pinPolicy: policy.pin, touchPolicy: policy.touch, origin: 'generated' });
    return ok(tlv(0x7f49, key.publicTlv));
  }

  function importKey({ p1, p2, data }: AppletCommand): AppletAnswer {
    if (!managementAuthenticated) return status(SW.SECURITY_STATUS);
    if (!isKeySlot(p2)) return status(SW.WRONG_SLOT);
    if (!isAsymmetricAlgorithm(p1)) return status(SW.INCORRECT_P1P2);
    const items = tlvMap(data);
    const policy = items && policies(items, p2);
    if (!items || !policy) return status(SW.INCORRECT_DATA);
    let key: CardKey | null = null;
    if (p1 === ALG.RSA1024 || p1 === ALG.RSA2048) {
      const half = p1 === ALG.RSA2048 ? 128 : 64;
      const [p, q, dp, dq, qinv] = ['01', '02', '03', '04', '05'].map((t) => items.get(t));
      if (p && q && dp && dq && qinv && [p, q, dp, dq, qinv].every((part) => part.length <= half)) {
        key = importRsaKey(p1, { p, q, dp, dq, qinv });
      }
    } else {
      const scalar = items.get('06');
      if (scalar) key = importEcKey(p1, scalar);
    }
    if (!key) return status(SW.INCORRECT_DATA);
    eeprom.keys.set(p2, { key, algorithm: p1, pinPolicy: policy.pin, touchPolicy: policy.touch, origin: 'imported' });
    return ok();
  }

  /** GENERAL AUTHENTICATE with the 9B card management key (SP 800-73-4 part 2 §3.2.4, appendix A.1-A.3). */
  function authenticateManagement(p1: number, items: Tlvs, challenge: typeof pendingChallenge): AppletAnswer {
    const { algorithm, value: key } = eeprom.management;
    // P1 names the algorithm; a YubiKey also takes 00 for "the key's own" (Yubico's APDU reference,
    // "Authenticate: management key", whose example sends 00 87 00 9B). Another algorithm, e.g. a
    // 3DES request of a 5.7 card's AES key, answers 6A80 ("get auth challenge: smart card error 6a80"
    // in go-piv/piv-go#146, sigstore/cosign#3742, gravitational/teleport#55889).
    if (p1 !== 0x00 && p1 !== algorithm) return status(SW.INCORRECT_DATA);
    const block = managementBlockSize(algorithm);
    const encrypt = (b: Buffer) => managementCipher(algorithm, key, b, 'encrypt');
    const empty = (tag: string) => items.get(tag)?.length === 0;

    if (hasExactly(items, '81') && empty('81')) {
      // Step 1 of the host authenticating itself (single, "external authenticate"): a challenge.
      const value = randomBytes(block);
      pendingChallenge = { kind: 'challenge', value };
      return ok(tlv(0x7c, tlv(0x81, value)));
    }
    if (hasExactly(items, '80') && empty('80')) {
      // Step 1 of mutual authentication: a witness, encrypted; the host must send it back decrypted.
      const value = randomBytes(block);
      pendingChallenge = { kind: 'witness', value };
      return ok(tlv(0x7c, tlv(0x80, encrypt(value))));
    }
    if (hasExactly(items, '82')) {
      const response = items.get('82') ?? Buffer.alloc(0);
      if (challenge?.kind !== 'challenge') return status(SW.CONDITIONS);
      if (response.length !== block) return status(SW.INCORRECT_DATA);
      managementAuthenticated = response.equals(encrypt(challenge.value));
      return managementAuthenticated ? ok() : status(SW.SECURITY_STATUS);
    }
    if (hasExactly(items, '80', '81')) {
      const witness = items.get('80') ?? Buffer.alloc(0);
      const hostChallenge = items.get('81') ?? Buffer.alloc(0);
      if (challenge?.kind !== 'witness') return status(SW.CONDITIONS);
      if (witness.length !== block || hostChallenge.length !== block) return status(SW.INCORRECT_DATA);
      managementAuthenticated = witness.equals(challenge.value);
      if (!managementAuthenticated) return status(SW.SECURITY_STATUS);
      return ok(tlv(0x7c, tlv(0x82, encrypt(hostChallenge))));
    }
    if (hasExactly(items, '81', '82') && empty('82')) {
      // The card proving itself ("internal authenticate"): no change to the security status.
      const hostChallenge = items.get('81') ?? Buffer.alloc(0);
      if (hostChallenge.length !== block) return status(SW.INCORRECT_DATA);
      return ok(tlv(0x7c, tlv(0x82, encrypt(hostChallenge))));
    }
    return status(SW.INCORRECT_DATA);
  }

  /** GENERAL AUTHENTICATE with a slot's private key: sign / decrypt (81) or key agreement (85). */
  function useSlotKey(p1: number, slot: number, items: Tlvs, pinFresh: boolean): AppletAnswer {
    const slotKey = eeprom.keys.get(slot);
    if (!slotKey) return status(SW.REFERENCE_NOT_FOUND);
    if (p1 !== slotKey.algorithm) return status(SW.INCORRECT_DATA);
    if (slotKey.pinPolicy === PIN_POLICY.ONCE && !pinVerified) return status(SW.SECURITY_STATUS);
    if (slotKey.pinPolicy === PIN_POLICY.ALWAYS && !(pinVerified && pinFresh)) return status(SW.SECURITY_STATUS);
    if (items.get('82')?.length !== 0) return status(SW.INCORRECT_DATA);
    let result: Buffer | null = null;
    if (hasExactly(items, '82', '81')) result = privateOperation(slotKey.key, items.get('81') ?? Buffer.alloc(0));
    else if (hasExactly(items, '82', '85')) result = keyAgreement(slotKey.key, items.get('85') ?? Buffer.alloc(0));
    return result ? ok(tlv(0x7c, tlv(0x82, result))) : status(SW.INCORRECT_DATA);
  }

  function generalAuthenticate({ p1, p2, data }: AppletCommand, challenge: typeof pendingChallenge, pinFresh: boolean): AppletAnswer {
    const items = template(data, '7c');
    if (p2 === 0x9b) {
      if (!items) return status(SW.INCORRECT_DATA);
      const answer = authenticateManagement(p1, items, challenge);
      if (answer.sw !== SW.OK && answer.sw !== SW.INCORRECT_DATA) managementAuthenticated = false;
      return answer;
    }
    if (!isKeySlot(p2)) return status(SW.INCORRECT_P1P2);
    if (!items) return status(SW.INCORRECT_DATA);
    return useSlotKey(p1, p2, items, pinFresh);
  }

  function metadata({ p1, p2 }: AppletCommand): AppletAnswer {
    // GET METADATA exists from firmware 5.3 (Yubico PIV APDU reference, "Get metadata").
    if (!firmwareAtLeast(eeprom.firmware, 5, 3)) return status(SW.INS_NOT_SUPPORTED);
    if (p1 !== 0x00) return status(SW.INCORRECT_P1P2);
    const isDefault = (yes: boolean) => tlv(0x05, Buffer.from([yes ? 1 : 0]));
    if (p2 === 0x80 || p2 === 0x81) {
      const ref = p2 === 0x80 ? eeprom.pin : eeprom.puk;
      return ok(
        Buffer.concat([tlv(0x01, Buffer.from([0xff])), isDefault(ref.value.equals(ref.factoryValue)), tlv(0x06, Buffer.from([ref.retries, ref.remaining]))]),
      );
    }
    if (p2 === 0x9b) {
      const { algorithm, value, touchPolicy } = eeprom.management;
      return ok(
        Buffer.concat([
          tlv(0x01, Buffer.from([algorithm])),
          tlv(0x02, Buffer.from([0x00, touchPolicy])),
          isDefault(value.equals(defaultManagementKey(algorithm))),
        ]),
      );
    }
    const slotKey = isKeySlot(p2) ? eeprom.keys.get(p2) : undefined;
    if (!slotKey) return status(SW.REFERENCE_NOT_FOUND);
    return ok(
      Buffer.concat([
        tlv(0x01, Buffer.from([slotKey.algorithm])),
        tlv(0x02, Buffer.from([slotKey.pinPolicy, slotKey.touchPolicy])),
        tlv(0x03, Buffer.from([slotKey.origin === 'generated' ? 1 : 2])),
        tlv(0x04, slotKey.key.publicTlv),
      ]),
    );
  }

  /** SET MANAGEMENT KEY (Yubico, "Set management key"): P2 FF no touch, FE touch, FD touch cached. */
  function setManagementKey({ p1, p2, data }: AppletCommand): AppletAnswer {
    const touch = { 0xff: TOUCH_POLICY.NEVER, 0xfe: TOUCH_POLICY.ALWAYS, 0xfd: TOUCH_POLICY.CACHED }[p2];
    if (p1 !== 0xff || touch === undefined) return status(SW.INCORRECT_P1P2);
    if (!managementAuthenticated) return status(SW.SECURITY_STATUS);
    const [algorithm = 0, reference = 0, length = 0] = data;
    if (!isManagementAlgorithm(algorithm) || reference !== 0x9b) return status(SW.INCORRECT_DATA);
    // AES management keys came with firmware 5.4 (Yubico, "PIV AES management key").
    if (algorithm !== ALG.TDES && !firmwareAtLeast(eeprom.firmware, 5, 4)) return status(SW.INCORRECT_DATA);
    if (length !== managementKeyLength(algorithm) || data.length !== 3 + length) return status(SW.INCORRECT_DATA);
    eeprom.management = { algorithm, value: Buffer.from(data.subarray(3)), touchPolicy: touch };
    return ok();
  }

  function setPinRetries({ p1, p2 }: AppletCommand): AppletAnswer {
    if (!managementAuthenticated || !pinVerified) return status(SW.SECURITY_STATUS);
    if (p1 === 0 || p2 === 0) return status(SW.INCORRECT_P1P2);
    // Yubico: setting the retry counts also puts PIN and PUK back to their defaults.
    eeprom.pin = { ...eeprom.pin, value: Buffer.from(eeprom.pin.factoryValue), retries: p1, remaining: p1 };
    eeprom.puk = { ...eeprom.puk, value: Buffer.from(eeprom.puk.factoryValue), retries: p2, remaining: p2 };
    pinVerified = false;
    return ok();
  }

  function reset(): AppletAnswer {
    // Only a card whose PIN and PUK are both blocked may be reset (Yubico PIV APDU reference, "Reset").
    if (eeprom.pin.remaining !== 0 || eeprom.puk.remaining !== 0) return status(SW.CONDITIONS);
    factoryReset(eeprom);
    pinVerified = false;
    managementAuthenticated = false;
    return ok();
  }

  function select({ p1, data }: AppletCommand): AppletAnswer {
    if (p1 !== 0x04) return status(SW.INCORRECT_P1P2);
    if (!selectsPiv(data)) return status(SW.FILE_NOT_FOUND); // the current application stays selected
    selected = true;
    return ok(APPLICATION_PROPERTY_TEMPLATE);
  }

  return {
    powerOn() {
      selected = false;
      pinVerified = false;
      pinJustVerified = false;
      managementAuthenticated = false;
      pendingChallenge = null;
    },
    process(command) {
      // Both are good for the very next command only.
      const pinFresh = pinJustVerified;
      const challenge = pendingChallenge;
      pinJustVerified = false;
      pendingChallenge = null;
      if (command.ins === 0xa4) return select(command);
      if (!selected) return status(SW.INS_NOT_SUPPORTED);
      switch (command.ins) {
        case 0x20:
          return verify(command);
        case 0x24:
          return changeReference(command);
        case 0x2c:
          return resetRetryCounter(command);
        case 0xcb:
          return getData(command);
        case 0xdb:
          return putData(command);
        case 0x47:
          return generate(command);
        case 0x87:
          return generalAuthenticate(command, challenge, pinFresh);
        case 0xfd:
          return ok(Buffer.from(firmwareBytes(eeprom.firmware)));
        case 0xf8: {
          const serial = Buffer.alloc(4);
          serial.writeUInt32BE(eeprom.serial);
          return ok(serial);
        }
        case 0xf7:
          return metadata(command);
        case 0xff:
          return setManagementKey(command);
        case 0xfe:
          return importKey(command);
        case 0xfa:
          return setPinRetries(command);
        case 0xfb:
          return reset();
        default:
          return status(SW.INS_NOT_SUPPORTED);
      }
    },
  };
}
