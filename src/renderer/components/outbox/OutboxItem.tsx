import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { OutboxOperation } from '../../../shared/outbox';
import { errorSummary, formatDateTime, shortGuid } from '../../format';
import { applyOutboxOperation, useClient } from '../../store';
import { useAction } from '../../use-action';
import { CopyButton } from '../CopyButton';
import { ErrorNotice } from '../ErrorNotice';
import { DiscardForm } from './DiscardForm';
import { HeldRetire } from './HeldRetire';

const STATE_MARKS: Record<OutboxOperation['state'], string> = {
  pending: '◷ ',
  sending: '… ',
  done: '✓ ',
  'needs-attention': '! ',
  discarded: '✕ ',
};

/** One outbox operation: what, its state in words, attempts, the last error, and the actions. */
export function OutboxItem({ operation }: { operation: OutboxOperation }) {
  const { t } = useTranslation();
  const client = useClient();
  const retry = useAction();
  const headingId = useId();
  const kind = t(`outbox.kind.${operation.kind}`);
  const what = `${kind} ${shortGuid(operation.requestId)}`;
  return (
    <article className={`outbox-item state-${operation.state}`} aria-labelledby={headingId}>
      <h3 id={headingId}>{t('outbox.itemHeading', { kind, request: shortGuid(operation.requestId) })}</h3>
      <dl className="grid">
        <dt>{t('outbox.state')}</dt>
        <dd className="outbox-state">
          <span aria-hidden="true">{STATE_MARKS[operation.state]}</span>
          {t(`outbox.states.${operation.state}`)}
        </dd>
        <dt>{t('outbox.request')}</dt>
        <dd>
          <code>{operation.requestId}</code>
          <CopyButton value={operation.requestId} label={`${t('outbox.request')} ${what}`} />
        </dd>
        {operation.kind === 'bind' ? (
          <>
            <dt>{t('outbox.card')}</dt>
            <dd>
              <code>{operation.cardId}</code>
              <CopyButton value={operation.cardId} label={`${t('outbox.card')} ${what}`} />
            </dd>
            <dt>{t('outbox.reader')}</dt>
            <dd>{operation.reader}</dd>
          </>
        ) : (
          <>
            <dt>{t('outbox.smartcard')}</dt>
            <dd>
              <code>{operation.smartcardUuid}</code>
              <CopyButton value={operation.smartcardUuid} label={`${t('outbox.smartcard')} ${what}`} />
            </dd>
          </>
        )}
        {operation.result && (
          <>
            <dt>{t('outbox.result')}</dt>
            <dd>
              <code>{operation.result.smartcardUuid}</code>
              <CopyButton value={operation.result.smartcardUuid} label={`${t('outbox.result')} ${what}`} />
            </dd>
          </>
        )}
        <dt>{t('outbox.created')}</dt>
        <dd>{formatDateTime(operation.createdAt)}</dd>
        <dt>{t('outbox.attempts')}</dt>
        <dd>{operation.attempts}</dd>
        {(operation.state === 'pending' || operation.state === 'sending') && (
          <>
            <dt>{t('outbox.nextAttempt')}</dt>
            <dd>{operation.nextAttemptAt ? formatDateTime(operation.nextAttemptAt) : t('outbox.asap')}</dd>
          </>
        )}
      </dl>
      {operation.outcomeUnknown && <p className="note">{t('outbox.outcomeUnknown')}</p>}
      {operation.kind === 'retire' && <HeldRetire operation={operation} what={what} />}
      {operation.lastError && <ErrorNotice live={false} context={t('outbox.lastError')} error={operation.lastError} />}
      {operation.state === 'needs-attention' && (
        <div className="actions">
          <button
            type="button"
            className="primary"
            disabled={retry.pending}
            aria-label={t('outbox.retryLabel', { what })}
            onClick={() => retry.run(async () => applyOutboxOperation(await client.call('outbox.retry', { id: operation.id })))}
          >
            {t('outbox.retry')}
          </button>
          <DiscardForm operation={operation} what={what} />
        </div>
      )}
      {retry.error && <ErrorNotice context={t('outbox.actionFailed')} error={errorSummary(retry.error)} />}
    </article>
  );
}
