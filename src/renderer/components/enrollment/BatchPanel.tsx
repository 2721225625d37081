import { useTranslation } from 'react-i18next';
import { errorText } from '../../wording';
import { shortGuid } from '../../format';
import { errorSummary } from '../../format';
import { useClient, useStation } from '../../store';
import { useAction } from '../../use-action';
import { ErrorNotice } from '../ErrorNotice';

/** Bulk mode while it runs: what comes next, where each request is, what was skipped and why. */
export function BatchPanel() {
  const { t } = useTranslation();
  const client = useClient();
  const batch = useStation((s) => s.batch);
  const stop = useAction();
  const active = batch.pending.length > 0 || batch.submitted.length > 0 || batch.skipped.length > 0;
  if (!active) return null;
  const reserved = new Set(batch.reserved.map((r) => r.requestId));
  const next = batch.pending.find((id) => !reserved.has(id));
  return (
    <section className="batch" aria-labelledby="batch-heading">
      <h3 id="batch-heading">{t('batch.heading')}</h3>
      <p>{t('batch.intro')}</p>
      <p role="status" aria-live="polite">
        {batch.pending.length === 0 ? t('batch.finished') : t('batch.left', { count: batch.pending.length })}
        {' · '}
        {t('batch.submitted', { count: batch.submitted.length })}
      </p>
      {next && <p className="batch-next">{t('batch.next', { id: shortGuid(next) })}</p>}
      {batch.reserved.length > 0 && (
        <ul>
          {batch.reserved.map((r) => (
            <li key={r.requestId}>{t('batch.inReader', { id: shortGuid(r.requestId), reader: r.reader })}</li>
          ))}
        </ul>
      )}
      {batch.skipped.length > 0 && (
        <>
          <h4>{t('batch.skipped')}</h4>
          <ul>
            {batch.skipped.map((s) => (
              <li key={s.requestId}>
                <code>{s.requestId}</code> — {errorText(t, s.code ?? 'INTERNAL', s.params)}
              </li>
            ))}
          </ul>
        </>
      )}
      {stop.error && <ErrorNotice context={t('batch.failed')} error={errorSummary(stop.error)} />}
      <button
        type="button"
        disabled={stop.pending}
        onClick={() =>
          stop.run(async () => {
            await client.call('batch.clear', {});
          })
        }
      >
        {t('batch.stop')}
      </button>
    </section>
  );
}
