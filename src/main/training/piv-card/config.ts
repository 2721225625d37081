// How a virtual YubiKey PIV card leaves the factory (or the state a test wants it in). JSON, so the
// configuration can travel on a card process's argv like every other virtual card behaviour.
import { z } from 'zod';

const hex = (bytes: number) => z.string().regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`));

/** A PIN or PUK as typed: 6 to 8 characters (YubiKey accepts any byte except the FF padding). */
const pinText = z.string().regex(/^[\x20-\x7e]{6,8}$/);

export const yubiKeyPivSchema = z
  .object({
    kind: z.literal('yubikey-piv'),
    /**
     * The CHUID GUID (tag 34) already written, or absent for a factory-fresh card: a YubiKey ships
     * with no CHUID at all (GET DATA 5FC102 answers 6A82).
     */
    chuidGuid: hex(16).optional(),
    /** Firmware as answered by GET VERSION; below 5.7 by default (3DES management key). */
    firmware: z
      .string()
      .regex(/^\d{1,3}\.\d{1,3}\.\d{1,3}$/)
      .default('5.4.3'),
    /** GET SERIAL's answer. */
    serial: z.number().int().min(0).max(0xffffffff).default(12_345_678),
    /**
     * The 9B key's algorithm. Defaults by firmware as Yubico ships it: 3DES before 5.7, AES-192 from
     * 5.7 on (FIPS models too), both with the same well-known default value.
     */
    managementKeyAlgorithm: z.enum(['3des', 'aes128', 'aes192', 'aes256']).optional(),
    /** The management key's value; the factory default when absent (length must fit the algorithm). */
    managementKey: z
      .string()
      .regex(/^(?:[0-9a-f]{32}|[0-9a-f]{48}|[0-9a-f]{64})$/)
      .optional(),
    /** PIN and PUK; the factory defaults 123456 / 12345678 when absent. */
    pin: pinText.optional(),
    puk: pinText.optional(),
    /** Tries left of the 3 (a card met after wrong guesses; 0 = blocked). Full when absent. */
    pinTriesLeft: z.number().int().min(0).max(3).optional(),
    pukTriesLeft: z.number().int().min(0).max(3).optional(),
  })
  .refine((c) => c.managementKey === undefined || c.managementKey.length / 2 === MANAGEMENT_KEY_BYTES[managementAlgorithmOf(c)], {
    message: 'The management key does not have the length its algorithm needs.',
    path: ['managementKey'],
  });

const MANAGEMENT_KEY_BYTES = { '3des': 24, aes128: 16, aes192: 24, aes256: 32 } as const;

export type YubiKeyPivConfig = z.infer<typeof yubiKeyPivSchema>;
export type YubiKeyPivInput = z.input<typeof yubiKeyPivSchema>;

export const FACTORY_PIN = '123456';
export const FACTORY_PUK = '12345678';
/** Yubico's default management key (3DES before 5.7, AES-192 with the same bytes from 5.7). */
export const FACTORY_MANAGEMENT_KEY = '010203040506070801020304050607080102030405060708';
/** Retries a fresh or reset YubiKey allows for PIN and PUK. */
export const FACTORY_RETRIES = 3;

export function firmwareBytes(firmware: string): [number, number, number] {
  const [major = 0, minor = 0, patch = 0] = firmware.split('.').map((part) => Number.parseInt(part, 10) & 0xff);
  return [major, minor, patch];
}

/** 5.7 changed the factory 9B key to AES-192 (Yubico, "YubiKey 5.7 PIV enhancements"). */
export function firmwareAtLeast(firmware: string, major: number, minor: number): boolean {
  const [ma, mi] = firmwareBytes(firmware);
  return ma > major || (ma === major && mi >= minor);
}

/** The configured 9B algorithm, or the firmware's factory one: 3DES before 5.7, AES-192 from 5.7. */
export function managementAlgorithmOf(config: { firmware: string; managementKeyAlgorithm?: keyof typeof MANAGEMENT_KEY_BYTES | undefined }) {
  return config.managementKeyAlgorithm ?? (firmwareAtLeast(config.firmware, 5, 7) ? 'aes192' : '3des');
}
