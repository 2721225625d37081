import { useEffect, useEffectEvent, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CmRequest } from '../../../shared/cm';
import { normalizeGuid } from '../../../shared/guid';
import type { RequestSearchResult } from '../../../shared/enrollment';
import { focusAndAnnounce } from '../../announce';
import { errorSummary } from '../../format';
import { applyPeople } from '../../people';
import { enrollmentCall, useClient, useStation } from '../../store';
import { useAction } from '../../use-action';
import { ErrorNotice } from '../ErrorNotice';
import type { RequestTypeNumbers } from '../../../shared/request-types';
import { DirectoryNote } from './DirectoryNote';
import { RequestTable } from './RequestTable';
import { fire } from '../../fire';

/** A stable empty map: a selector must not return a new object on every call. */
const NO_NUMBERS: RequestTypeNumbers = {};

/**
 * Step 3: find the approved request (live, or the last synced copy offline) and choose it.
 * Keyboard path: focus starts in the search field; Enter searches and moves focus to the first
 * result's Choose; Enter there chooses (the confirmation then focuses Confirm).
 */
export function RequestSearch({ reader }: { reader: string }) {
  const { t } = useTranslation();
  const client = useClient();
  const id = useId();
  const [query, setQuery] = useState('');
  const [replaces, setReplaces] = useState('');
  const [replacesInvalid, setReplacesInvalid] = useState(false);
  const [result, setResult] = useState<RequestSearchResult | null>(null);
  /** Set by an operator's search: once its results render, the first Choose takes focus. */
  const [focusFirst, setFocusFirst] = useState(false);
  /** Requests whose unconfirmed type the operator acknowledged, each on its own row. */
  const [acknowledged, setAcknowledged] = useState<ReadonlySet<string>>(() => new Set());
  const acknowledge = (requestId: string, value: boolean) =>
    setAcknowledged((before) => {
      const next = new Set(before);
      if (value) next.add(requestId);
      else next.delete(requestId);
      return next;
    });
  const typeNumbers = useStation((st) => st.settings?.values.requestTypeNumbers ?? NO_NUMBERS);
  const startBatch = useAction();
  const batchIdle = useStation((st) => st.batch.pending.length === 0);
  const queryRef = useRef<HTMLInputElement>(null);
  const replacesRef = useRef<HTMLInputElement>(null);
  const tableRef = useRef<HTMLDivElement>(null);
  const search = useAction();
  const choose = useAction();

  // Searches run one after another and the latest one asked for always runs: an operator who
  // presses Enter while the first list is still loading gets their search, not the stale list.
  const next = useRef<{ text: string; byOperator: boolean } | null>(null);
  const draining = useRef(false);
  const runSearch = async (text: string, byOperator: boolean) => {
    next.current = { text, byOperator };
    if (draining.current) return;
    draining.current = true;
    try {
      for (;;) {
        const job: { text: string; byOperator: boolean } | null = next.current;
        if (!job) break;
        next.current = null;
        const { text: query, byOperator: focus } = job;
        await search.runAndWait(async () => {
          const found = await client.call('requests.search', { query: query.trim(), limit: 100 });
          // A newer search is waiting: this answer is already stale.
          if (next.current) return;
          applyPeople(found.people, found.requests.map((r) => r.targetUserUuid).filter((g): g is string => g !== null));
          setResult(found);
          setFocusFirst(focus);
        });
      }
    } finally {
      draining.current = false;
    }
  };

  // Once per card-read step (an effect event reads the current `t` and `runSearch`).
  const onCardRead = useEffectEvent(() => {
    // Card read, no request yet: the operator types a name next.
    focusAndAnnounce(queryRef.current, t('keyboard.searchFocused'));
    // The full list of approved requests as soon as the card is read: often one click from done.
    fire(runSearch('', false), 'request search');
  });
  useEffect(() => onCardRead(), []);

  useEffect(() => {
    if (!focusFirst || !result) return;
    setFocusFirst(false);
    const first = tableRef.current?.querySelector<HTMLButtonElement>('button.choose:not(:disabled)') ?? null;
    if (first) focusAndAnnounce(first, t('keyboard.firstResultFocused', { count: result.requests.length, label: first.getAttribute('aria-label') ?? '' }));
    else focusAndAnnounce(queryRef.current, t('keyboard.noResult'));
  }, [focusFirst, result, t]);

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
    choose.run(() =>
      enrollmentCall(reader, () =>
        client.call('enrollment.choose', { reader, requestId: request.uuid, replaceSmartcardUuid: replacement, acceptUnconfirmedType: acknowledged.has(request.uuid) }),
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
          fire(runSearch(query, true), 'request search');
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
              ref={queryRef}
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
      <p role="status" aria-live="polite" className="search-status">
        {search.pending ? t('search.searching') : result ? t('search.count', { count: result.requests.length }) : ''}
      </p>
      {!search.pending && (result?.skipped ?? 0) > 0 && <p className="warning">{t('search.skipped', { count: result?.skipped ?? 0 })}</p>}
      <DirectoryNote people={result?.people} />
      {search.error && <ErrorNotice context={t('search.failed')} error={errorSummary(search.error)} />}
      {choose.error && <ErrorNotice context={t('search.chooseFailed')} error={errorSummary(choose.error)} />}
      <div ref={tableRef}>
        {result && (
          <RequestTable
            result={result}
            choosing={choose.pending}
            onChoose={onChoose}
            typeNumbers={typeNumbers}
            acknowledged={acknowledged}
            onAcknowledge={acknowledge}
          />
        )}
      </div>
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
      {result && result.requests.length > 0 && batchIdle && (
        <button
          type="button"
          disabled={startBatch.pending}
          onClick={() =>
            startBatch.run(async () => {
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
