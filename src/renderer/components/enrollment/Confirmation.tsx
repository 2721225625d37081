import { useTranslation } from 'react-i18next';
import type { EnrollmentState } from '../../../shared/enrollment';
import { useFocusWhen } from '../../announce';
import { errorSummary } from '../../format';
import { enrollmentCall, useClient } from '../../store';
import { useAction } from '../../use-action';
import { ErrorNotice } from '../ErrorNotice';
import { IssuancePlanNote } from '../issuance/IssuancePlanNote';
import { PayloadView } from './PayloadView';
import { RequestSummary } from './RequestSummary';
import { RetireSummary } from './RetireSummary';

type Chosen = Extract<EnrollmentState, { step: 'request-chosen' }>;

/** Step 4: what will be sent and what will be retired; nothing leaves before Confirm. */
export function Confirmation({ state }: { state: Chosen }) {
  const { t } = useTranslation();
  const client = useClient();
  const action = useAction();
  const { reader } = state;
  // Request chosen: Enter on Confirm binds (the last key press of the keyboard path).
  const confirmRef = useFocusWhen<HTMLButtonElement>(true, () => t('keyboard.confirmFocused'));
  return (
    <div className="confirmation">
      <p>{t('confirm.intro')}</p>
      <RequestSummary request={state.request} />
      <PayloadView payload={state.payload} />
      <RetireSummary replacement={state.replacement} />
      <IssuancePlanNote plan={state.issuance} />
      {action.error && <ErrorNotice context={t('confirm.failed')} error={errorSummary(action.error)} />}
      <div className="actions">
        <button
          type="button"
          className="primary"
          ref={confirmRef}
          disabled={action.pending}
          onClick={() => action.run(() => enrollmentCall(reader, () => client.call('enrollment.bind', { reader })))}
        >
          {t('confirm.confirm')}
        </button>
        <button
          type="button"
          disabled={action.pending}
          onClick={() => action.run(() => enrollmentCall(reader, () => client.call('enrollment.reset', { reader })))}
        >
          {t('confirm.back')}
        </button>
      </div>
    </div>
  );
}
