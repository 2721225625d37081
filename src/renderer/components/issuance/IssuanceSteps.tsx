import { useTranslation } from 'react-i18next';
import type { IssuanceStepState } from '../../../shared/issuance';
import { currentStep, stepDuration } from './issuance-view';
import { useRunningClock } from './use-running-clock';

/** Status marks beside the words (never colour alone); hidden from screen readers, which read the words. */
const MARK: Record<IssuanceStepState['status'], string> = { pending: '○', running: '◔', done: '✓', skipped: '–', failed: '!' };

function useDurationText(): (ms: number) => string {
  const { t, i18n } = useTranslation();
  return (ms) => {
    const total = ms / 1000;
    if (total < 60) {
      // Key generation takes seconds: a tenth shows it moving; whole seconds are enough beyond ten.
      const seconds = new Intl.NumberFormat(i18n.language, { maximumFractionDigits: total < 10 ? 1 : 0 }).format(total);
      return t('issuance.seconds', { seconds });
    }
    return t('issuance.minutes', { minutes: Math.floor(total / 60), seconds: Math.floor(total % 60) });
  };
}

/**
 * Every step named in plain words with its status and its time, and one polite announcement of
 * the step now under way (the list itself is not live: a ticking time would be read out each second).
 */
export function IssuanceSteps({ steps }: { steps: readonly IssuanceStepState[] }) {
  const { t } = useTranslation();
  const running = steps.some((s) => s.status === 'running');
  const now = useRunningClock(running);
  const duration = useDurationText();
  const current = currentStep(steps);
  return (
    <>
      <p className="issuance-now" role="status" aria-live="polite" aria-atomic="true">
        {current
          ? t('issuance.stepNow', {
              number: current.index + 1,
              count: steps.length,
              step: t(`issuance.step.${current.step.step}`),
              status: t(`issuance.status.${current.step.status}`),
            })
          : t('issuance.allDone')}
      </p>
      <ol className="issuance-steps" aria-label={t('issuance.stepsLabel')}>
        {steps.map((s) => {
          const ms = stepDuration(s, now);
          return (
            <li key={s.step} className={`issuance-step issuance-step-${s.status}`} aria-current={s.status === 'running' ? 'step' : undefined}>
              <span className="issuance-mark" aria-hidden="true">
                {MARK[s.status]}
              </span>
              <span className="issuance-step-name">{t(`issuance.step.${s.step}`)}</span>
              <span className="issuance-step-status">{t(`issuance.status.${s.status}`)}</span>
              {ms !== null && <span className="issuance-step-time">{duration(ms)}</span>}
            </li>
          );
        })}
      </ol>
    </>
  );
}
