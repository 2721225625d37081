import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EnrollmentState, EnrollmentStep } from '../../../shared/enrollment';
import { errorSummary } from '../../format';
import { announce, useAnnouncement } from '../../announce';
import { ISSUING_PHASES, useStation } from '../../store';
import { ErrorNotice } from '../ErrorNotice';
import { FocusHeading } from '../FocusHeading';
import { IssuanceNeedsCm, IssuancePanel } from '../issuance/issuance-screens';
import type { ShownIssuance } from '../issuance/issuance-view';
import type { ReaderIssuance } from '../issuance/use-reader-issuance';
import { Attention } from './Attention';
import { Confirmation } from './Confirmation';
import { Progress } from './Progress';
import { RequestSearch } from './RequestSearch';
import { Result } from './Result';

/**
 * Steps whose primary control takes focus itself (the search field, Confirm): card read to bind in
 * four key presses. Other steps focus their heading, so reading starts from the new content.
 */
const CONTROL_FOCUS_STEPS: ReadonlySet<EnrollmentStep | IssuanceView> = new Set(['card-read', 'request-chosen', 'issuance-offer']);

/** After the bind, the issuance's phase names the step (its heading, its focus). */
type IssuanceView = `issuance-${ShownIssuance['phase']}`;

/** Where focus went and what Enter does now: announced, and shown (keyboard users read it too). */
function NextStepHint() {
  const text = useAnnouncement((s) => s.text);
  return (
    <p className="next-step" role="status" aria-live="polite" aria-atomic="true">
      {text}
    </p>
  );
}

interface Props {
  reader: string;
  /** Absent until the station has reported this reader's enrollment. */
  state: EnrollmentState | undefined;
  step: EnrollmentStep;
  /** The reader's issuance: its panel (ReaderPanel) reads it once for both the summary and these steps. */
  issuance: ReaderIssuance;
}

/** The selected reader's enrollment: a heading per step (it takes focus as the step changes). */
export function EnrollmentSteps({ reader, state, step, issuance: { state: issuanceState, shown: issuance, needsCm } }: Props) {
  const { t } = useTranslation();
  // Read once: whether this panel opened because the selection moved here (then its heading takes focus).
  const [focusOnOpen] = useState(() => useStation.getState().focusStep === reader);
  const view: EnrollmentStep | IssuanceView = issuance ? `issuance-${issuance.phase}` : step;
  useEffect(() => {
    if (focusOnOpen) useStation.setState({ focusStep: null });
  }, [focusOnOpen]);
  useEffect(() => {
    // A hint for the keyboard path belongs to its step only.
    if (!CONTROL_FOCUS_STEPS.has(view)) announce('');
  }, [view]);
  const headingId = `step-${encodeURIComponent(reader)}`;
  const notice = state && 'notice' in state ? state.notice : null;
  return (
    <section className="step" aria-labelledby={headingId}>
      <FocusHeading level={4} id={headingId} focusKey={view} focusOnMount={focusOnOpen} takeFocus={!CONTROL_FOCUS_STEPS.has(view)}>
        {issuance ? t(`issuance.heading.${issuance.phase}`) : t(`steps.${step}`)}
      </FocusHeading>
      <NextStepHint />
      {notice && <ErrorNotice context={t('notice.heading')} error={errorSummary(notice)} />}
      {step === 'reading' && !issuance && (
        <p role="status" aria-live="polite">
          {t('card.reading')}
        </p>
      )}
      <StepBody reader={reader} state={state} issuance={issuance} needsCm={needsCm} />
      {/* After a done bind the issuance sits inside the result; at any other step (the card pulled,
          a retire refused mid-issuance) it follows the enrollment's own screen. */}
      {issuance && state?.step !== 'done' && <IssuancePanel state={issuance} />}
      {issuanceState?.phase === 'paused' && !issuance && !needsCm && <p className="issuance-waiting">{t('issuance.waitingForCard')}</p>}
    </section>
  );
}

interface BodyProps {
  reader: string;
  state: EnrollmentState | undefined;
  issuance: ShownIssuance | null;
  needsCm: boolean;
}

function StepBody({ reader, state, issuance, needsCm }: BodyProps) {
  switch (state?.step) {
    case 'card-read':
      return <RequestSearch reader={reader} />;
    case 'request-chosen':
      return <Confirmation state={state} />;
    case 'confirming':
    case 'binding':
    case 'retiring':
      return <Progress state={state} />;
    case 'done':
      return (
        <Result state={state} issuing={issuance !== null && ISSUING_PHASES.has(issuance.phase)}>
          {issuance && <IssuancePanel state={issuance} />}
          {needsCm && <IssuanceNeedsCm />}
        </Result>
      );
    case 'attention':
      return <Attention state={state} />;
    default:
      return null;
  }
}
