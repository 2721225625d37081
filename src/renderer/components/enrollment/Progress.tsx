import { useTranslation } from 'react-i18next';
import type { EnrollmentState } from '../../../shared/enrollment';
import { OutcomeLine } from './OutcomeLine';

type Working = Extract<EnrollmentState, { step: 'confirming' | 'binding' | 'retiring' }>;

/** Long work shows progress: an indeterminate bar and the step in words, announced politely. */
export function Progress({ state }: { state: Working }) {
  const { t } = useTranslation();
  return (
    <div className="progress">
      <p role="status" aria-live="polite">
        {t(`progress.${state.step}`)}
      </p>
      <progress aria-label={t('progress.label')} />
      {state.step !== 'confirming' && (
        <ul className="outcomes">
          <OutcomeLine kind="bind" outcome={state.bind} />
          {state.retire && <OutcomeLine kind="retire" outcome={state.retire} />}
        </ul>
      )}
    </div>
  );
}
