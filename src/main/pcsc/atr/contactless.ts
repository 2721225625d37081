import type { ContactlessInfo } from '../../../shared/atr-info';
import { CONTACTLESS_CARD_NAMES, CONTACTLESS_STANDARDS } from './contactless-names';
import { byteHex } from './hex';
import type { AtrStructure } from './structure';

// PC/SC part 3 §3.1.3.2.3: the Registered Application Provider Identifier of the PC/SC Workgroup.
const PCSC_RID = [0xa0, 0x00, 0x00, 0x03, 0x06] as const;

/**
 * Recognises the ATR a PC/SC reader synthesises for a contactless card: 3B 8n 80 01 <n historical
 * bytes> TCK, i.e. TD1 = 80 and TD2 = 01 with no other interface bytes. A contact card could in
 * theory send the same shape; the ATR is a hint either way and the card is confirmed by SELECT.
 */
export function detectContactless(atr: AtrStructure): ContactlessInfo | null {
  const [level1, level2] = atr.levels;
  const isPseudoAtr =
    atr.ts === 0x3b &&
    atr.t0 >> 4 === 0x8 &&
    atr.levels.length === 2 &&
    level1?.td === 0x80 &&
    level2?.ta === null &&
    level2.tb === null &&
    level2.tc === null &&
    level2.td === 0x01 &&
    atr.tck !== null;
  if (!isPseudoAtr) return null;

  const storage = decodeStorageCard(atr.historical);
  return storage ?? { kind: 'iso14443-4', standard: 'ISO/IEC 14443-4', cardName: null };
}

/**
 * Storage cards: 80 4F 0C <RID> SS C0 C1 00 00 00 00. The 4F here is the BER-TLV AID tag with a
 * length of 0C, not a compact-TLV header, which is why these bytes are not read as compact-TLV.
 */
function decodeStorageCard(h: Uint8Array): ContactlessInfo | null {
  if (h.length !== 15 || h[0] !== 0x80 || h[1] !== 0x4f || h[2] !== 0x0c) return null;
  if (!PCSC_RID.every((byte, i) => h[3 + i] === byte)) return null;
  const ss = h[8] ?? 0;
  const name = ((h[9] ?? 0) << 8) | (h[10] ?? 0);
  return {
    kind: 'storage-card',
    standard: CONTACTLESS_STANDARDS[ss] ?? `Unknown standard (${byteHex(ss)})`,
    standardByte: byteHex(ss),
    cardName: CONTACTLESS_CARD_NAMES[name] ?? null,
    cardNameCode: name.toString(16).padStart(4, '0'),
  };
}
