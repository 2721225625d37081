// What the card keeps across power-off and reset: its "EEPROM" (keys, data objects, PIN and PUK with
// their retry counters, the management key). Security status and the selected application are not
// here: they live in the session (./applet.ts) and start over on every power-on.
import { tlv } from './apdu';
import { FACTORY_MANAGEMENT_KEY, FACTORY_PIN, FACTORY_PUK, FACTORY_RETRIES, managementAlgorithmOf, type YubiKeyPivConfig } from './config';
import { ALG, type AsymmetricAlgorithm, type CardKey, type ManagementAlgorithm } from './keys';

/** PIN policies (GENERATE / IMPORT tag AA; GET METADATA tag 02). */
export const PIN_POLICY = { DEFAULT: 0, NEVER: 1, ONCE: 2, ALWAYS: 3 } as const;
export type PinPolicy = 1 | 2 | 3;
/** Touch policies (tag AB). A virtual card has no button: "always"/"cached" are touched at once. */
export const TOUCH_POLICY = { DEFAULT: 0, NEVER: 1, ALWAYS: 2, CACHED: 3 } as const;
export type TouchPolicy = 1 | 2 | 3;

/** PIN or PUK: the value as the card compares it (8 bytes, FF-padded) and its retry counter. */
export interface ReferenceData {
  value: Buffer;
  readonly factoryValue: Buffer;
  retries: number;
  remaining: number;
}

export interface SlotKey {
  readonly key: CardKey;
  readonly algorithm: AsymmetricAlgorithm;
  readonly pinPolicy: PinPolicy;
  readonly touchPolicy: TouchPolicy;
  readonly origin: 'generated' | 'imported';
}

export interface ManagementKey {
  algorithm: ManagementAlgorithm;
  value: Buffer;
  touchPolicy: TouchPolicy;
}

export interface CardEeprom {
  readonly firmware: string;
  readonly serial: number;
  pin: ReferenceData;
  puk: ReferenceData;
  management: ManagementKey;
  /** Asymmetric keys by slot (9A, 9C, 9D, 9E, 82-95). */
  readonly keys: Map<number, SlotKey>;
  /** Data objects by their tag as lowercase hex (e.g. '5fc102'): the value inside tag 53. */
  readonly objects: Map<string, Buffer>;
}

/** PIN and PUK are compared as 8 bytes padded with FF (SP 800-73-4 part 2 §2.4.3). */
export function padReference(text: string): Buffer {
  const bytes = Buffer.alloc(8, 0xff);
  bytes.write(text, 'latin1');
  return bytes;
}

/** Each slot's default PIN policy on a YubiKey (Yubico, "PIV PIN and touch policies"). */
export function defaultPinPolicy(slot: number): PinPolicy {
  if (slot === 0x9c) return PIN_POLICY.ALWAYS;
  if (slot === 0x9e) return PIN_POLICY.NEVER;
  return PIN_POLICY.ONCE;
}

/** The slots a YubiKey 5 holds asymmetric keys in (F9, attestation, is Yubico's own and not used here). */
export function isKeySlot(slot: number): boolean {
  return slot === 0x9a || slot === 0x9c || slot === 0x9d || slot === 0x9e || (slot >= 0x82 && slot <= 0x95);
}

const MANAGEMENT_ALGORITHMS = { '3des': ALG.TDES, aes128: ALG.AES128, aes192: ALG.AES192, aes256: ALG.AES256 } as const;

function factoryManagementAlgorithm(firmware: string): ManagementAlgorithm {
  return MANAGEMENT_ALGORITHMS[managementAlgorithmOf({ firmware })];
}

/**
 * The CHUID written by tools before first use (SP 800-73-4 part 1 §3.1.2, the layout YubiKey
 * Manager and yubico-piv-tool write): FASC-N (tag 30, the "no FASC-N" pattern), GUID (34),
 * expiration (35), empty signature (3E), LRC (FE).
 */
export function chuidValue(guid: Buffer): Buffer {
  const fascn = Buffer.from('d4e739da739ced39ce739d836858210842108421c84210c3eb', 'hex');
  return Buffer.concat([
    tlv(0x30, fascn),
    tlv(0x34, guid),
    tlv(0x35, Buffer.from('20301231', 'ascii')),
    tlv(0x3e, Buffer.alloc(0)),
    tlv(0xfe, Buffer.alloc(0)),
  ]);
}

/** The card as it leaves the factory, or as the configuration says it was personalised. */
export function createEeprom(config: YubiKeyPivConfig): CardEeprom {
  const pin = padReference(config.pin ?? FACTORY_PIN);
  const puk = padReference(config.puk ?? FACTORY_PUK);
  const algorithm = MANAGEMENT_ALGORITHMS[managementAlgorithmOf(config)];
  const eeprom: CardEeprom = {
    firmware: config.firmware,
    serial: config.serial,
    pin: { value: pin, factoryValue: padReference(FACTORY_PIN), retries: FACTORY_RETRIES, remaining: FACTORY_RETRIES },
    puk: { value: puk, factoryValue: padReference(FACTORY_PUK), retries: FACTORY_RETRIES, remaining: FACTORY_RETRIES },
    management: { algorithm, value: defaultManagementKey(algorithm, config.managementKey), touchPolicy: TOUCH_POLICY.NEVER },
    keys: new Map(),
    objects: new Map(),
  };
  if (config.chuidGuid) eeprom.objects.set('5fc102', chuidValue(Buffer.from(config.chuidGuid, 'hex')));
  return eeprom;
}

/** The factory 9B value for an algorithm, or the configured one. */
export function defaultManagementKey(algorithm: ManagementAlgorithm, configured?: string): Buffer {
  if (configured) return Buffer.from(configured, 'hex');
  // The default 24 bytes serve 3DES and AES-192; AES-128/256 have no factory value: repeat/cut it.
  const factory = Buffer.from(FACTORY_MANAGEMENT_KEY, 'hex');
  const length = { [ALG.TDES]: 24, [ALG.AES128]: 16, [ALG.AES192]: 24, [ALG.AES256]: 32 }[algorithm];
  return Buffer.concat([factory, factory]).subarray(0, length);
}

/** YubiKey RESET (00 FB): everything back to the factory state, the firmware's default 9B algorithm included. */
export function factoryReset(eeprom: CardEeprom): void {
  eeprom.keys.clear();
  eeprom.objects.clear();
  eeprom.pin.value = Buffer.from(eeprom.pin.factoryValue);
  eeprom.puk.value = Buffer.from(eeprom.puk.factoryValue);
  for (const ref of [eeprom.pin, eeprom.puk]) {
    ref.retries = FACTORY_RETRIES;
    ref.remaining = FACTORY_RETRIES;
  }
  const algorithm = factoryManagementAlgorithm(eeprom.firmware);
  eeprom.management = { algorithm, value: defaultManagementKey(algorithm), touchPolicy: TOUCH_POLICY.NEVER };
}
