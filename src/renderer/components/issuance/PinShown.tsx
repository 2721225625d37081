import { useTranslation } from 'react-i18next';
import { errorSummary } from '../../format';
import { issuanceCall, useClient } from '../../store';
import { useAction } from '../../use-action';
import { ErrorNotice } from '../ErrorNotice';
import type { ShownIssuance } from './issuance-view';

/**
 * CM's proposed PIN, shown once: large, monospaced, digits spaced so a screen reader reads them one
 * by one. "I have noted it" tells main to forget it; nothing else is on screen meanwhile.
 */
export function PinShown({ state }: { state: Extract<ShownIssuance, { phase: 'pin-shown' }> }) {
  const { t } = useTranslation();
  const client = useClient();
  const action = useAction();
  const { reader } = state;
  return (
    <div className="pin-shown">
      <p>{t('issuance.shown.intro')}</p>
      <p className="pin-block">
        <span className="label">{t('issuance.shown.label')}: </span>
        <code className="pin-digits">{state.pin.split('').join(' ')}</code>
      </p>
      {action.error && <ErrorNotice error={errorSummary(action.error)} />}
      <button
        type="button"
        className="primary"
        disabled={action.pending}
        onClick={() => action.run(() => issuanceCall(reader, () => client.call('issuance.pinSeen', { reader })))}
      >
        {t('issuance.shown.noted')}
      </button>
    </div>
  );
}
