import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { retireWaitOf, type OutboxOperation } from '../../../shared/outbox';
import { errorSummary } from '../../format';
import { applyOutboxOperation, useClient, useStation } from '../../store';
import { useAction } from '../../use-action';
import { ErrorNotice } from '../ErrorNotice';

/**
 * What a pending retire waits for (its request's bind, or the new card becoming Active in CM), and
 * "Retire now" for a held one, only after an explicit confirmation: retiring before the new card
 * is written can leave the user without a working card.
 */
export function HeldRetire({ operation, what }: { operation: OutboxOperation; what: string }) {
  const { t } = useTranslation();
  const client = useClient();
  const all = useStation((s) => s.outbox);
  const release = useAction();
  const [confirming, setConfirming] = useState(false);
  const wait = retireWaitOf(operation, all);
  if (wait === null) return null;
  if (wait.kind === 'bind') return <p className="note">{t('cmReality.hold.waitsForBind')}</p>;
  if (wait.kind === 'retire-request-approval') {
    // Approval happens in CM; the station only waits (retire route `retire-request`).
    return (
      <p className="note">
        {t('cmReality.hold.waitsForApproval', { request: wait.retireRequestId, status: wait.lastStatus ?? t('cmReality.hold.notChecked') })}
      </p>
    );
  }
  return (
    <div className="held-retire">
      <p className="note">
        {t('cmReality.hold.waitsForActive', { card: wait.newSmartcardUuid ?? '—', status: wait.lastStatus ?? t('cmReality.hold.notChecked') })}
      </p>
      {operation.state === 'pending' && !confirming && (
        <button type="button" aria-label={t('cmReality.hold.retireNowLabel', { what })} onClick={() => setConfirming(true)}>
          {t('cmReality.hold.retireNow')}
        </button>
      )}
      {confirming && (
        <div role="group" aria-label={t('cmReality.hold.retireNow')} className="confirm-box">
          <p>{t('cmReality.hold.confirmRetireNow')}</p>
          <button
            type="button"
            className="danger"
            disabled={release.pending}
            onClick={() =>
              release.run(async () => {
                applyOutboxOperation(await client.call('outbox.releaseHold', { id: operation.id, confirm: true }));
                setConfirming(false);
              })
            }
          >
            {t('cmReality.hold.confirmYes')}
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            {t('common.cancel')}
          </button>
        </div>
      )}
      {release.error && <ErrorNotice context={t('outbox.actionFailed')} error={errorSummary(release.error)} />}
    </div>
  );
}
