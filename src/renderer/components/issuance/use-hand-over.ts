import { HAND_OVER_PHASES, useStation } from '../../store';
import type { ShownIssuance } from './issuance-view';

/** An issuance whose card holder has the screen: choosing a PIN, or noting the one CM chose. */
export type HandOverState = Extract<ShownIssuance, { phase: 'pin-entry' | 'pin-shown' }>;

/** The reader whose issuance wants the card holder (the selected reader first), or null. */
export function useHandOver(): HandOverState | null {
  return useStation((s) => {
    const all = Object.values(s.issuance).filter((i): i is HandOverState => HAND_OVER_PHASES.has(i.phase));
    return all.find((i) => i.reader === s.selectedReader) ?? all[0] ?? null;
  });
}
