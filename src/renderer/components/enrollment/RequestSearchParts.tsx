import { useId, useState, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import type { RequestSearchResult } from '../../../shared/enrollment';
import { errorSummary } from '../../format';
import { useStation } from '../../store';
import { useAction } from '../../use-action';
import { ErrorNotice } from '../ErrorNotice';
import type { RequestSearchQueue } from './use-request-search';

/**
 * The search field and its button. The button stays enabled while a search runs: a browser does not
 * submit a form on Enter when its default button is disabled, so an operator's Enter during the
 * first list would be lost; the search queue (use-request-search.ts) runs the latest search instead.
 */
export function SearchForm({ queryRef, onSearch }: { queryRef: RefObject<HTMLInputElement | null>; onSearch(query: string): void }) {
  const { t } = useTranslation();
  const id = useId();
  const [query, setQuery] = useState('');
  return (
    <form
      role="search"
      aria-label={t('search.heading')}
      onSubmit={(event) => {
        event.preventDefault();
        onSearch(query);
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
          <button type="submit">{t('search.submit')}</button>
        </div>
      </div>
    </form>
  );
}

/** How the search went: searching or the count (announced), skipped elements, a failure. */
export function SearchStatus({ search }: { search: Pick<RequestSearchQueue, 'pending' | 'result'> }) {
  const { t } = useTranslation();
  const { pending, result } = search;
  return (
    <>
      <p role="status" aria-live="polite" className="search-status">
        {pending ? t('search.searching') : result ? t('search.count', { count: result.requests.length }) : ''}
      </p>
      {!pending && (result?.skipped ?? 0) > 0 && <p className="warning">{t('search.skipped', { count: result?.skipped ?? 0 })}</p>}
    </>
  );
}

interface ReplacesFieldProps {
  inputRef: RefObject<HTMLInputElement | null>;
  value: string;
  invalid: boolean;
  onChange(value: string): void;
}

/** The optional "replaces smart card" GUID, checked when a request is chosen. */
export function ReplacesField({ inputRef, value, invalid, onChange }: ReplacesFieldProps) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={`${id}-replaces`}>{t('search.replaces')}</label>
      <p id={`${id}-replaces-hint`} className="hint">
        {t('search.replacesHint')}
      </p>
      <input
        id={`${id}-replaces`}
        ref={inputRef}
        type="text"
        className="guid-input"
        spellCheck={false}
        autoComplete="off"
        value={value}
        aria-invalid={invalid}
        aria-describedby={invalid ? `${id}-replaces-error` : `${id}-replaces-hint`}
        onChange={(event) => onChange(event.target.value)}
      />
      {invalid && (
        <p id={`${id}-replaces-error`} className="field-error" role="alert">
          {t('search.replacesInvalid')}
        </p>
      )}
    </div>
  );
}

/** Starts a batch of every listed request, when the list is not empty and no batch is running. */
export function StartBatchButton({ result, onStart }: { result: RequestSearchResult | null; onStart(requestIds: string[]): Promise<void> }) {
  const { t } = useTranslation();
  const startBatch = useAction();
  const batchIdle = useStation((st) => st.batch.pending.length === 0);
  return (
    <>
      {result && result.requests.length > 0 && batchIdle && (
        <button type="button" disabled={startBatch.pending} onClick={() => startBatch.run(() => onStart(result.requests.map((r) => r.uuid)))}>
          {t('batch.start', { count: result.requests.length })}
        </button>
      )}
      {startBatch.error && <ErrorNotice context={t('batch.failed')} error={errorSummary(startBatch.error)} />}
    </>
  );
}
