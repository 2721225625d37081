// Sample cards for tests and benchmarks: ATRs from pcsc.md, behaviours from ./behaviour.ts.
import type { CardBehaviour } from './behaviour';

export interface SampleCard {
  readonly atr: string;
  readonly behaviour: CardBehaviour;
}

/** YubiKey 5 NFC over USB: a PIV applet. */
export const PIV_CARD = {
  atr: '3bfd1300008131fe158073c021c057597562694b657940',
  behaviour: { kind: 'piv', guid: '00112233445566778899aabbccddeeff' },
} as const satisfies SampleCard;
/** What identify must report for PIV_CARD (see formatCmGuid for the byte order). */
export const PIV_CARD_CM_GUID = '33221100-5544-7766-8899-aabbccddeeff';

/** A MIFARE Classic 1K as a PC/SC contactless reader presents it (synthesised ATR). */
export const CONTACTLESS_CARD = {
  atr: '3b8f8001804f0ca000000306030001000000006a',
  behaviour: { kind: 'contactless', uid: '04a1b2c3d4e5f6' },
} as const satisfies SampleCard;

/** The CM docs' example ATR, here a GlobalPlatform card with CPLC. */
export const GLOBALPLATFORM_CARD = {
  atr: '3b8d0180fba000000397425446590301c8',
  behaviour: { kind: 'globalplatform', cplc: { fabricator: '4790', type: '5167', serial: '12345678', batch: '0102' } },
} as const satisfies SampleCard;
export const GLOBALPLATFORM_CARD_CPLC_ID = '4790-5167-0102-12345678';

/** vicc's iso7816 card: answers nothing useful. */
export const PLAIN_CARD = { atr: '3b951381018073ff01000b', behaviour: { kind: 'plain' } } as const satisfies SampleCard;

/** Answers its ATR, never an APDU. */
export const MUTE_CARD = { atr: '3b021450', behaviour: { kind: 'mute' } } as const satisfies SampleCard;

/** A YubiKey 5 (firmware 5.4.3) as it comes out of the box: no CHUID, PIN 123456, PUK 12345678, 3DES 9B key. */
export const FACTORY_YUBIKEY = {
  atr: '3bfd1300008131fe158073c021c057597562694b657940',
  behaviour: { kind: 'yubikey-piv' },
} as const satisfies SampleCard;

/** A YubiKey 5.7: its factory 9B key is AES-192, which CM's 3DES challenge-response cannot answer. */
export const YUBIKEY_57_AES = {
  atr: '3bfd1300008131fe158073c021c057597562694b657940',
  behaviour: { kind: 'yubikey-piv', firmware: '5.7.1' },
} as const satisfies SampleCard;
