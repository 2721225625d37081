import { useTranslation } from 'react-i18next';
import { errorSummary } from '../../format';
import { applyCardReading, useClient } from '../../store';
import { useAction } from '../../use-action';
import { ErrorNotice } from '../ErrorNotice';

/** Reads the card again (`card.read`): after a failed read, or to ask CM once it is back. */
export function ReadAgainButton({ reader }: { reader: string }) {
  const { t } = useTranslation();
  const client = useClient();
  const action = useAction();
  return (
    <div className="read-again">
      <button
        type="button"
        disabled={action.pending}
        onClick={() => action.run(async () => applyCardReading(reader, await client.call('card.read', { reader })))}
      >
        {t('card.readAgain')}
      </button>
      {action.error && <ErrorNotice context={t('card.readFailed')} error={errorSummary(action.error)} />}
    </div>
  );
}
