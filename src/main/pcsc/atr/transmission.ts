import type { z } from 'zod';
import { DEFAULT_CLOCK_HZ, type fiDiMeaningSchema } from '../../../shared/atr-info';

type FiDiMeaning = z.infer<typeof fiDiMeaningSchema>;

// ISO 7816-3 table 7: Fi and f(max) by the high nibble of TA1; null = RFU.
const FI: readonly (readonly [number, number] | null)[] = [
  [372, 4],
  [372, 5],
  [558, 6],
  [744, 8],
  [1116, 12],
  [1488, 16],
  [1860, 20],
  null,
  null,
  [512, 5],
  [768, 7.5],
  [1024, 10],
  [1536, 15],
  [2048, 20],
  null,
  null,
];
// ISO 7816-3 table 8: Di by the low nibble of TA1; null = RFU.
const DI: readonly (number | null)[] = [null, 1, 2, 4, 8, 16, 32, 64, 12, 20, null, null, null, null, null, null];

/** Decodes TA1 into Fi/Di and what they mean for the link speed. */
export function decodeFiDi(ta1: number): FiDiMeaning {
  const fiEntry = FI[ta1 >> 4] ?? null;
  const di = DI[ta1 & 0x0f] ?? null;
  const fi = fiEntry?.[0] ?? null;
  const fMaxMHz = fiEntry?.[1] ?? null;
  const usable = fi !== null && di !== null;
  return {
    kind: 'fi-di',
    fi,
    fMaxMHz,
    di,
    cyclesPerEtu: usable ? fi / di : null,
    // Integer arithmetic first (clock x Di / Fi) so the rounding matches what a reader computes.
    bitRateAtDefaultClock: usable ? Math.floor((DEFAULT_CLOCK_HZ * di) / fi) : null,
    bitRateAtFMax: usable && fMaxMHz !== null ? Math.floor((fMaxMHz * 1_000_000 * di) / fi) : null,
  };
}
