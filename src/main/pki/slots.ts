// Which PIV slot holds the key for each certificate request (desk-issuance.md, "Facts that bite").
// The option's `KeyUsages` is Windows' X509PrivateKeyUsageFlags (certenroll: 1 decrypt, 2 sign,
// 4 key agreement; 3 = decrypt + sign). The pages do not say where a PIV client puts each key; this is
// the PIV convention: both uses (the authentication / Windows logon key) -> 9A PIV Authentication,
// signing only -> 9C Digital Signature, decryption only -> 9D Key Management.
import { StationError } from '../../shared/errors';
import type { PivSlot } from '../../shared/issuance';

export const KEY_USAGE_DECRYPT = 0x1;
export const KEY_USAGE_SIGN = 0x2;
export const KEY_USAGE_AGREEMENT = 0x4;

/** The slot the PIV convention gives a key with these usages. */
export function preferredSlot(keyUsages: number): PivSlot {
  const decrypt = (keyUsages & (KEY_USAGE_DECRYPT | KEY_USAGE_AGREEMENT)) !== 0;
  const sign = (keyUsages & KEY_USAGE_SIGN) !== 0;
  if (sign && !decrypt) return '9c';
  if (decrypt && !sign) return '9d';
  // Both, or no usage stated: the authentication key.
  return '9a';
}

/**
 * One slot per option, in the options' order: each gets its preferred slot, or when an earlier option
 * already took it, the first free of 9A, 9D, 9C (never 9E: the card authentication key is used without
 * a PIN, wrong for a person's keys). More requests than those three slots cannot be issued here;
 * the engine calls this before it generates anything, so nothing is written for a refusal.
 */
export function chooseSlots(options: readonly { readonly keyUsages: number }[]): PivSlot[] {
  const taken = new Set<PivSlot>();
  return options.map((option, index) => {
    const preferred = preferredSlot(option.keyUsages);
    const slot = [preferred, '9a' as const, '9d' as const, '9c' as const].find((candidate) => !taken.has(candidate));
    if (!slot) {
      throw new StationError('ISSUANCE_CARD_NOT_ISSUABLE', 'CM asks for more keys than the card has slots for (9A, 9C, 9D).', {
        requested: options.length,
        index,
      });
    }
    taken.add(slot);
    return slot;
  });
}
