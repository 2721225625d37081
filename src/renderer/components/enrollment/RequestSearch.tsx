import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type CmRequest, normalizeGuid } from '../../../shared/cm';
import type { RequestSearchResult } from '../../../shared/enrollment';
import { errorSummary } from '../../format';
import { enrollmentCall, useClient, useStation } from '../../store';
import { useAction } from '../../use-action';
import { ErrorNotice } from '../ErrorNotice';
import type { RequestTypeNumbers } from '../../../shared/request-types';
import { RequestTable } from './RequestTable';

/** A stable empty map: a selector must not return a new object on every call. */
const NO_NUMBERS: RequestTypeNumbers = {};

/** Step 3: find the approved request (live, or the last synced copy offline) and choose it. */
export function RequestSearch({ reader }: { reader: string }) {
  const { t } = useTranslation();
  const client = useClient();
  const id = useId();
  const [query, setQuery] = useState('');
  const [replaces, setReplaces] = useState('');
  const [replacesInvalid, setReplacesInvalid] = useState(false);
  const [result, setResult] = useState<RequestSearchResult | null>(null);
  const [acceptUnconfirmed, setAcceptUnconfirmed] = useState(false);
  const typeNumbers = useStation((st) => st.settings?.values.requestTypeNumbers ?? NO_NUMBERS);
  const startBatch = useAction();
  const batchIdle = useStation((st) => st.batch.pending.length === 0);
  const replacesRef = useRef<HTMLInputElement>(null);
  const search = useAction();
  const choose = useAction();

  const runSearch = (text: string) =>
    search.run(async () => {
      setResult(await client.call('requests.search', { query: text.trim(), limit: 100 }));
    });

  useEffect(() => {
    // The full list of approved requests as soon as the card is read: often one click from done.
    // Once per card-read step.
    void runSearch('');
  }, []);

  const onChoose = (request: CmRequest) => {
    let replacement: string | null = null;
    if (request.oldSmartcardUuid === null && replaces.trim() !== '') {
      replacement = normalizeGuid(replaces);
      if (!replacement) {
        setReplacesInvalid(true);
        replacesRef.current?.focus();
        return;
      }
    }
    setReplacesInvalid(false);
    void choose.run(() =>
      enrollmentCall(reader, () =>
        client.call('enrollment.choose', { reader, requestId: request.uuid, replaceSmartcardUuid: replacement, acceptUnconfirmedType: acceptUnconfirmed }),
      ),
    );
  };

  return (
    <div className="request-search">
      <form
        role="search"
        aria-label={t('search.heading')}
        onSubmit={(event) => {
          event.preventDefault();
          void runSearch(query);
        }}
      >
        <div className="field">
          <label htmlFor={`${id}-query`}>{t('search.label')}</label>
          <p id={`${id}-query-hint`} className="hint">
            {t('search.hint')}
          </p>
          <div className="field-row">
            <input
              id={`${id}-query`}
              type="search"
              value={query}
              aria-describedby={`${id}-query-hint`}
              onChange={(event) => setQuery(event.target.value)}
            />
            <button type="submit" disabled={search.pending}>
              {t('search.submit')}
            </button>
          </div>
        </div>
      </form>
      <div className="field">
        <label htmlFor={`${id}-replaces`}>{t('search.replaces')}</label>
        <p id={`${id}-replaces-hint`} className="hint">
          {t('search.replacesHint')}
        </p>
        <input
          id={`${id}-replaces`}
          ref={replacesRef}
          type="text"
          className="guid-input"
          spellCheck={false}
          autoComplete="off"
          value={replaces}
          aria-invalid={replacesInvalid}
          aria-describedby={replacesInvalid ? `${id}-replaces-error` : `${id}-replaces-hint`}
          onChange={(event) => {
            setReplaces(event.target.value);
            setReplacesInvalid(false);
          }}
        />
        {replacesInvalid && (
          <p id={`${id}-replaces-error`} className="field-error" role="alert">
            {t('search.replacesInvalid')}
          </p>
        )}
      </div>
      <div className="field checkbox">
        <input
          id={`${id}-unconfirmed`}
          type="checkbox"
          checked={acceptUnconfirmed}
          onChange={(event) => setAcceptUnconfirmed(event.target.checked)}
        />
        <label htmlFor={`${id}-unconfirmed`}>{t('cmReality.type.acknowledge')}</label>
      </div>
      <p role="status" aria-live="polite" className="search-status">
        {search.pending ? t('search.searching') : result ? t('search.count', { count: result.requests.length }) : ''}
      </p>
      {search.error && <ErrorNotice context={t('search.failed')} error={errorSummary(search.error)} />}
      {choose.error && <ErrorNotice context={t('search.chooseFailed')} error={errorSummary(choose.error)} />}
      {result && (
        <RequestTable result={result} choosing={choose.pending} onChoose={onChoose} typeNumbers={typeNumbers} acceptUnconfirmed={acceptUnconfirmed} />
      )}
      {result && result.requests.length > 0 && batchIdle && (
        <button
          type="button"
          disabled={startBatch.pending}
          onClick={() =>
            void startBatch.run(async () => {
              await client.call('batch.set', { requestIds: result.requests.map((r) => r.uuid) });
            })
          }
        >
          {t('batch.start', { count: result.requests.length })}
        </button>
      )}
      {startBatch.error && <ErrorNotice context={t('batch.failed')} error={errorSummary(startBatch.error)} />}
    </div>
  );
}
