import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EnrollmentState, EnrollmentStep } from '../../../shared/enrollment';
import { errorSummary } from '../../format';
import { announce, useAnnouncement } from '../../announce';
import { useStation } from '../../store';
import { ErrorNotice } from '../ErrorNotice';
import { FocusHeading } from '../FocusHeading';
import { Attention } from './Attention';
import { Confirmation } from './Confirmation';
import { Progress } from './Progress';
import { RequestSearch } from './RequestSearch';
import { Result } from './Result';

/**
 * Steps whose primary control takes focus itself (the search field, Confirm): card read to bind in
 * four key presses. Other steps focus their heading, so reading starts from the new content.
 */
const CONTROL_FOCUS_STEPS: ReadonlySet<EnrollmentStep> = new Set(['card-read', 'request-chosen']);

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
}

/** The selected reader's enrollment: a heading per step (it takes focus as the step changes). */
export function EnrollmentSteps({ reader, state, step }: Props) {
  const { t } = useTranslation();
  // Read once: whether this panel opened because the selection moved here (then its heading takes focus).
  const [focusOnOpen] = useState(() => useStation.getState().focusStep === reader);
  useEffect(() => {
    if (focusOnOpen) useStation.setState({ focusStep: null });
  }, [focusOnOpen]);
  useEffect(() => {
    // A hint for the keyboard path belongs to its step only.
    if (!CONTROL_FOCUS_STEPS.has(step)) announce('');
  }, [step]);
  const headingId = `step-${encodeURIComponent(reader)}`;
  const notice = state && 'notice' in state ? state.notice : null;
  return (
    <section className="step" aria-labelledby={headingId}>
      <FocusHeading level={4} id={headingId} focusKey={step} focusOnMount={focusOnOpen} takeFocus={!CONTROL_FOCUS_STEPS.has(step)}>
        {t(`steps.${step}`)}
      </FocusHeading>
      <NextStepHint />
      {notice && <ErrorNotice context={t('notice.heading')} error={errorSummary(notice)} />}
      {step === 'reading' && (
        <p role="status" aria-live="polite">
          {t('card.reading')}
        </p>
      )}
      <StepBody reader={reader} state={state} />
    </section>
  );
}

function StepBody({ reader, state }: { reader: string; state: EnrollmentState | undefined }) {
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
      return <Result state={state} />;
    case 'attention':
      return <Attention state={state} />;
    default:
      return null;
  }
}
