import { StationError } from '../../../shared/errors';

/** The ATR cut into its characters, before any meaning is attached (ISO 7816-3 §8.2). */
export interface AtrStructure {
  readonly ts: 0x3b | 0x3f;
  readonly t0: number;
  readonly levels: readonly RawLevel[];
  readonly historical: Uint8Array;
  /** The byte after the historical bytes, if the card sent one. */
  readonly tck: number | null;
}

export interface RawLevel {
  /** i, from 1. */
  readonly level: number;
  /** T announced by TD(i-1); null at level 1, whose bytes are global. */
  readonly qualifiedBy: number | null;
  readonly ta: number | null;
  readonly tb: number | null;
  readonly tc: number | null;
  readonly td: number | null;
}

function invalid(message: string, details: Record<string, number> = {}): StationError {
  return new StationError('ATR_INVALID', message, details);
}

/**
 * Walks TS, T0 and the interface bytes level by level, then splits the rest into historical bytes
 * and TCK. Throws ATR_INVALID when the bytes cannot be an ATR at all; anything merely unusual is left
 * for the caller to report.
 */
export function splitAtr(bytes: Uint8Array): AtrStructure {
  const ts = bytes[0];
  // Readers hand over inverse-convention ATRs already decoded, so TS reads 3F (never raw 03).
  if (ts !== 0x3b && ts !== 0x3f) {
    throw invalid('TS is neither 3B (direct convention) nor 3F (inverse convention).', { ts: ts ?? -1 });
  }
  const t0 = bytes[1];
  if (t0 === undefined) throw invalid('The ATR ends after TS: T0 is missing.');

  let pos = 2;
  const take = (name: string, level: number): number => {
    const byte = bytes[pos];
    if (byte === undefined) throw invalid(`The ATR ends before interface byte ${name}${level}.`, { level });
    pos += 1;
    return byte;
  };

  const levels: RawLevel[] = [];
  let indicator = t0 >> 4; // Y1, then Y(i+1) from each TDi: which of TA/TB/TC/TD follow.
  let qualifiedBy: number | null = null;
  for (let level = 1; ; level += 1) {
    const ta = indicator & 0x1 ? take('TA', level) : null;
    const tb = indicator & 0x2 ? take('TB', level) : null;
    const tc = indicator & 0x4 ? take('TC', level) : null;
    const td = indicator & 0x8 ? take('TD', level) : null;
    // Y(i) = 0 announces no bytes at level i: there is nothing to record there.
    if (indicator !== 0) levels.push({ level, qualifiedBy, ta, tb, tc, td });
    if (td === null) break;
    indicator = td >> 4;
    qualifiedBy = td & 0x0f;
  }

  const k = t0 & 0x0f;
  const rest = bytes.length - pos;
  if (rest < k) {
    throw invalid(`T0 announces ${k} historical bytes but only ${rest} follow.`, { announced: k, present: rest });
  }
  if (rest > k + 1) {
    throw invalid(`The ATR has ${rest - k - 1} byte(s) after the historical bytes and TCK.`, { extra: rest - k - 1 });
  }
  return {
    ts,
    t0,
    levels,
    historical: bytes.slice(pos, pos + k),
    tck: rest === k + 1 ? (bytes[pos + k] ?? null) : null,
  };
}
