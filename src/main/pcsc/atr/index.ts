import type { AtrInfo } from '../../../shared/atr-info';
import { detectContactless } from './contactless';
import { hexToBytes, normalizeAtrHex } from './hex';
import { describeHistorical } from './historical';
import { describeLevels, offeredProtocols, tckRequired } from './interface-bytes';
import { splitAtr } from './structure';
import { checkTck } from './tck';

export { normalizeAtrHex } from './hex';

/**
 * Parses an ATR (any common spelling: spaces, colons, either case) per ISO 7816-3, with PC/SC
 * part 3 contactless pseudo-ATRs recognised. Throws StationError ATR_INVALID when the bytes cannot
 * be an ATR; a wrong TCK or odd historical bytes are reported in the result instead.
 */
export function parseAtr(atrHex: string): AtrInfo {
  const atr = normalizeAtrHex(atrHex);
  const bytes = hexToBytes(atr);
  const structure = splitAtr(bytes);
  const contactless = detectContactless(structure);
  const body = bytes.subarray(1, bytes.length - (structure.tck === null ? 0 : 1));
  return {
    atr,
    ts: structure.ts === 0x3b ? { byte: '3b', convention: 'direct' } : { byte: '3f', convention: 'inverse' },
    t0: { byte: atr.slice(2, 4), historicalLength: structure.t0 & 0x0f },
    levels: describeLevels(structure.levels),
    protocols: offeredProtocols(structure.levels),
    historical: describeHistorical(structure.historical, contactless?.kind === 'storage-card'),
    tck: checkTck(body, structure.tck, tckRequired(structure.levels)),
    contactless,
  };
}
