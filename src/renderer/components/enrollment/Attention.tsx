import { useTranslation } from 'react-i18next';
import type { EnrollmentState } from '../../../shared/enrollment';
import { errorSummary } from '../../format';
import { enrollmentCall, navigate, useClient } from '../../store';
import { useAction } from '../../use-action';
import { ErrorNotice } from '../ErrorNotice';
import { OutcomeLine } from './OutcomeLine';

type NeedsAttention = Extract<EnrollmentState, { step: 'attention' }>;

/** A refused operation: CM's message, its code and correlation id, and the way to the outbox. */
export function Attention({ state }: { state: NeedsAttention }) {
  const { t } = useTranslation();
  const client = useClient();
  const action = useAction();
  const { bind, retire, reader } = state;
  return (
    <div className="attention">
      <p>{t('attention.intro')}</p>
      {bind.state === 'needs-attention' && <ErrorNotice context={t('attention.bindFailed')} error={errorSummary(bind.error)} />}
      {retire?.state === 'needs-attention' && <ErrorNotice context={t('attention.retireFailed')} error={errorSummary(retire.error)} />}
      <ul className="outcomes">
        <OutcomeLine kind="bind" outcome={bind} />
        {retire && <OutcomeLine kind="retire" outcome={retire} />}
      </ul>
      {action.error && <ErrorNotice error={errorSummary(action.error)} />}
      <div className="actions">
        <button type="button" className="primary" onClick={() => navigate('outbox')}>
          {t('attention.toOutbox')}
        </button>
        <button
          type="button"
          disabled={action.pending}
          onClick={() => action.run(() => enrollmentCall(reader, () => client.call('enrollment.reset', { reader })))}
        >
          {t('attention.next')}
        </button>
      </div>
    </div>
  );
}
