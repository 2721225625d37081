import { StationError } from '../../shared/errors';
import type { PinRules } from '../../shared/issuance';
import type { CmSmartcardConfiguration } from '../cm';

/** Factory values of a PIV card (YubiKey; desk-issuance.md "The card side"). Never left on an issued card. */
export const FACTORY_PIN = '123456';
export const FACTORY_PUK = '12345678';

/** PIV's own bounds (SP 800-73-4: a PIN is 6 to 8 digits on most cards; YubiKey accepts 6 to 8). */
const PIV_DEFAULT: PinRules = { minLength: 6, maxLength: 8 };

/** The profile's PIN length rules, kept within what a PIV card takes (4 to 8). */
export function pinRulesOf(config: Pick<CmSmartcardConfiguration, 'minimumPinLength' | 'maximumPinLength'>): PinRules {
  const clamp = (n: number) => Math.min(8, Math.max(4, n));
  const minLength = clamp(config.minimumPinLength ?? PIV_DEFAULT.minLength);
  const maxLength = Math.max(minLength, clamp(config.maximumPinLength ?? PIV_DEFAULT.maxLength));
  return { minLength, maxLength };
}

/**
 * The SDK's UserPinOption values that mean "CM proposes the PIN" (desk-issuance.md: None,
 * UserProvided, ServerDistributed, Randomized, CustomServerDistributed). Anything else, unknown
 * forms included, means the user types it: the station never invents a PIN.
 */
export function usesServerPin(option: CmSmartcardConfiguration['userPinOption']): boolean {
  return option === 'ServerDistributed' || option === 'Randomized' || option === 'CustomServerDistributed';
}

/** The hand-over screen's check: the same PIN twice, digits only, within the profile's rules. */
export function checkNewPin(pin: string, confirm: string, rules: PinRules): string {
  if (pin !== confirm) throw new StationError('ISSUANCE_PIN_MISMATCH', 'The two PINs typed differ.');
  if (!/^\d+$/.test(pin) || pin.length < rules.minLength || pin.length > rules.maxLength) {
    throw new StationError('ISSUANCE_PIN_RULES', `The PIN must be ${rules.minLength} to ${rules.maxLength} digits.`, {
      minLength: rules.minLength,
      maxLength: rules.maxLength,
    });
  }
  // The factory PIN would leave the card as it came: refused like a rule.
  if (pin === FACTORY_PIN) throw new StationError('ISSUANCE_PIN_RULES', 'The PIN must not be the factory PIN.', rules);
  return pin;
}

/** A PUK nobody keeps: 8 random digits (rejection sampling keeps the digits uniform). */
export function randomPuk(randomBytes: (size: number) => Buffer): string {
  let puk = '';
  while (puk.length < 8) {
    for (const byte of randomBytes(16)) {
      if (byte < 250 && puk.length < 8) puk += String(byte % 10);
    }
  }
  return puk;
}
