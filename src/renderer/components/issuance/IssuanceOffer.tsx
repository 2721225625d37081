import { useTranslation } from 'react-i18next';
import { useFocusWhen } from '../../announce';
import { errorSummary } from '../../format';
import { issuanceCall, useClient } from '../../store';
import { useAction } from '../../use-action';
import { ErrorNotice } from '../ErrorNotice';
import type { ShownIssuance } from './issuance-view';

/**
 * After the bind (policy `offer`): "Issue now" (primary, focused: Enter issues) or "Bind only".
 * The bind's own key presses are unchanged; this is the first choice after it.
 */
export function IssuanceOffer({ state }: { state: Extract<ShownIssuance, { phase: 'offer' }> }) {
  const { t } = useTranslation();
  const client = useClient();
  const action = useAction();
  const { reader } = state;
  const issueRef = useFocusWhen<HTMLButtonElement>(true, () => t('issuance.offer.focused'));
  return (
    <div className="issuance-offer">
      <p>{t('issuance.offer.intro')}</p>
      <p className="issuance-bind-only-what">{t('issuance.offer.bindOnlyWhat')}</p>
      {action.error && <ErrorNotice error={errorSummary(action.error)} />}
      <div className="actions">
        <button
          type="button"
          className="primary"
          ref={issueRef}
          disabled={action.pending}
          onClick={() => action.run(() => issuanceCall(reader, () => client.call('issuance.start', { reader })))}
        >
          {t('issuance.offer.issueNow')}
        </button>
        <button type="button" disabled={action.pending} onClick={() => action.run(() => issuanceCall(reader, () => client.call('issuance.skip', { reader })))}>
          {t('issuance.offer.bindOnly')}
        </button>
      </div>
    </div>
  );
}

/** Offline, the bind is queued: issuing needs CM. Said plainly, with no button that cannot work. */
export function IssuanceNeedsCm() {
  const { t } = useTranslation();
  return (
    <ErrorNotice
      live={false}
      className="issuance-needs-cm"
      context={t('issuance.offer.needsCm')}
      error={{ code: 'ISSUANCE_NEEDS_CM', message: 'Issuing the card needs CM.', correlationId: null }}
    />
  );
}
