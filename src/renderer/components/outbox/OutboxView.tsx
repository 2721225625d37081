import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorSummary, outboxCounts } from '../../format';
import { useClient, useStation } from '../../store';
import { useAction } from '../../use-action';
import { ErrorNotice } from '../ErrorNotice';
import { FocusHeading } from '../FocusHeading';
import { OutboxItem } from './OutboxItem';

/** Every operation owed to CM, newest first, with what the operator can do about the stuck ones. */
export function OutboxView() {
  const { t } = useTranslation();
  const client = useClient();
  const navigation = useStation((s) => s.navigation);
  const outbox = useStation((s) => s.outbox);
  const refresh = useAction();
  const replay = useAction();
  const [replayed, setReplayed] = useState(false);
  const counts = outboxCounts(outbox);
  const operations = [...outbox].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return (
    <section className="view outbox" aria-labelledby="view-heading">
      <FocusHeading level={2} id="view-heading" focusKey={navigation} focusOnMount={navigation > 0}>
        {t('outbox.heading')}
      </FocusHeading>
      <p>{t('outbox.intro')}</p>
      <p role="status" aria-live="polite" className="outbox-summary">
        {t('outbox.summary', { pending: counts.pending, attention: counts.needsAttention })}
      </p>
      <div className="actions">
        <button
          type="button"
          disabled={refresh.pending}
          onClick={() =>
            refresh.run(async () => {
              useStation.setState({ outbox: await client.call('outbox.list', {}) });
            })
          }
        >
          {t('outbox.refresh')}
        </button>
        <button
          type="button"
          disabled={replay.pending || counts.pending === 0}
          onClick={() =>
            replay.run(async () => {
              setReplayed(false);
              useStation.setState({ outbox: await client.call('outbox.replay', {}) });
              setReplayed(true);
            })
          }
        >
          {t('outbox.replay')}
        </button>
      </div>
      <p role="status" aria-live="polite">
        {replay.pending ? t('common.working') : replayed ? t('outbox.replayed') : ''}
      </p>
      {refresh.error && <ErrorNotice error={errorSummary(refresh.error)} />}
      {replay.error && <ErrorNotice context={t('outbox.actionFailed')} error={errorSummary(replay.error)} />}
      {operations.length === 0 ? (
        <p>{t('outbox.empty')}</p>
      ) : (
        <ul className="outbox-list">
          {operations.map((operation) => (
            <li key={operation.id}>
              <OutboxItem operation={operation} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
