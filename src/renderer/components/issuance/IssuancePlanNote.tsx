import { useTranslation } from 'react-i18next';
import type { IssuancePlan } from '../../../shared/issuance';
import { errorSummary } from '../../format';
import { ErrorNotice } from '../ErrorNotice';

/**
 * On the confirmation: what happens after the bind (issued here, offered, or bind only and why),
 * and that a factory card first gets its identifier. Decided by the station before anything is written.
 */
export function IssuancePlanNote({ plan }: { plan: IssuancePlan | undefined }) {
  const { t } = useTranslation();
  if (!plan) return null;
  return (
    <div className="issuance-plan">
      {plan.chuid !== null && <p>{t('issuance.plan.chuid')}</p>}
      {plan.mode !== null && <p>{t(`issuance.plan.${plan.mode}`)}</p>}
      {plan.mode === null && plan.reason && (
        <ErrorNotice live={false} className="issuance-plan-reason" context={t('issuance.plan.bindOnly')} error={errorSummary(plan.reason)} />
      )}
    </div>
  );
}
