import { useTranslation } from 'react-i18next';
import { errorSummary } from '../../format';
import { issuanceCall, useClient } from '../../store';
import { useAction } from '../../use-action';
import { ErrorNotice } from '../ErrorNotice';
import { IssuanceSteps } from './IssuanceSteps';
import { bringsBack, currentStep, type ShownIssuance } from './issuance-view';

type Working = Extract<ShownIssuance, { phase: 'running' | 'paused' }>;

/**
 * Issuance under way: the steps, Cancel only where the engine says it is safe, and when paused the
 * reason, what brings it back and Resume (`issuance.start` continues a paused issuance).
 */
export function IssuanceProgress({ state }: { state: Working }) {
  const { t } = useTranslation();
  const client = useClient();
  const action = useAction();
  const { reader } = state;
  const stopped = currentStep(state.steps);
  return (
    <div className={`issuance-progress issuance-${state.phase}`}>
      {state.phase === 'running' && <progress aria-label={t('progress.label')} />}
      <p className="keep-card">{t('issuance.keepCard')}</p>
      {state.phase === 'paused' && (
        <>
          {stopped && <p className="issuance-paused-at">{t('issuance.paused', { step: t(`issuance.step.${stopped.step.step}`) })}</p>}
          <ErrorNotice error={errorSummary(state.error)} />
          <p className="issuance-brings-back">{t(`issuance.bringsBack.${bringsBack(state.error.code)}`)}</p>
        </>
      )}
      <IssuanceSteps steps={state.steps} />
      {action.error && (
        <ErrorNotice context={t(state.phase === 'paused' ? 'issuance.resumeFailed' : 'issuance.cancelFailed')} error={errorSummary(action.error)} />
      )}
      <div className="actions">
        {state.phase === 'paused' && (
          <button
            type="button"
            className="primary"
            disabled={action.pending}
            onClick={() => action.run(() => issuanceCall(reader, () => client.call('issuance.start', { reader })))}
          >
            {t('issuance.resume')}
          </button>
        )}
        {state.phase === 'running' && state.cancellable && (
          <button
            type="button"
            disabled={action.pending}
            onClick={() => action.run(() => issuanceCall(reader, () => client.call('issuance.cancel', { reader })))}
          >
            {t('issuance.cancel')}
          </button>
        )}
      </div>
    </div>
  );
}
