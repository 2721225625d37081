import { IssuanceOffer } from './IssuanceOffer';
import { IssuanceProgress } from './IssuanceProgress';
import { IssuanceResult } from './IssuanceResult';
import type { ShownIssuance } from './issuance-view';

/** The issuance part of a reader's panel, by phase (the PIN phases have the hand-over screen instead). */
export function IssuancePanel({ state }: { state: ShownIssuance }) {
  switch (state.phase) {
    case 'offer':
      return <IssuanceOffer state={state} />;
    case 'running':
    case 'paused':
      return <IssuanceProgress state={state} />;
    case 'done':
    case 'failed':
    case 'canceled':
      return <IssuanceResult state={state} />;
    case 'pin-entry':
    case 'pin-shown':
      return null;
  }
}
