import type { EnrollmentState } from '../../../shared/enrollment';
import type { IssuanceState } from '../../../shared/issuance';
import { useStation } from '../../store';
import { issuanceNeedsCm, type ShownIssuance, shownIssuance } from './issuance-view';

export interface ReaderIssuance {
  /** The reader's issuance as the station sent it (absent: idle). */
  state: IssuanceState | undefined;
  /** What the reader's panel shows of it (issuance-view.ts, shownIssuance), or null. */
  shown: ShownIssuance | null;
  /** Offline after the bind: issuing needs CM, said instead of a button (issuanceNeedsCm). */
  needsCm: boolean;
}

/**
 * A reader's issuance beside its enrollment, under the issueAtDesk policy. Until the settings
 * arrive the policy reads as its default (`offer`); the station decides in any case.
 */
export function useReaderIssuance(reader: string, enrollment: EnrollmentState | undefined): ReaderIssuance {
  const state = useStation((s) => s.issuance[reader]);
  const policy = useStation((s) => s.settings?.values.issueAtDesk ?? 'offer');
  return { state, shown: shownIssuance(state, enrollment, policy), needsCm: issuanceNeedsCm(state, enrollment, policy) };
}
