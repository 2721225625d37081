import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import type { RequestSearchResult } from '../../../shared/enrollment';
import type { ErrorPayload } from '../../../shared/errors';
import { focusAndAnnounce } from '../../announce';
import { applyPeople } from '../../people';
import { useAction } from '../../use-action';

export interface RequestSearchQueue {
  /** The latest search's answer, null before the first one. */
  result: RequestSearchResult | null;
  pending: boolean;
  error: ErrorPayload | null;
  /** Set by an operator's search: once its results render, the first Choose takes focus (useFocusFirstResult). */
  focusFirst: boolean;
  focusHandled(): void;
  /** Asks for a search; resolves once no search is left waiting. Never rejects (failures land in `error`). */
  run(text: string, byOperator: boolean): Promise<void>;
}

/**
 * Searches run one after another and the latest one asked for always runs: an operator who
 * presses Enter while the first list is still loading gets their search, not the stale list.
 * `find` is the station call (the screen makes it: the bridge table names the screen).
 */
export function useRequestSearch(find: (query: string) => Promise<RequestSearchResult>): RequestSearchQueue {
  const search = useAction();
  const { runAndWait } = search;
  const [result, setResult] = useState<RequestSearchResult | null>(null);
  const [focusFirst, setFocusFirst] = useState(false);
  const next = useRef<{ text: string; byOperator: boolean } | null>(null);
  const draining = useRef(false);

  const run = async (text: string, byOperator: boolean) => {
    next.current = { text, byOperator };
    if (draining.current) return;
    draining.current = true;
    try {
      for (;;) {
        const job: { text: string; byOperator: boolean } | null = next.current;
        if (!job) break;
        next.current = null;
        const { text: query, byOperator: focus } = job;
        await runAndWait(async () => {
          const found = await find(query.trim());
          // A newer search is waiting: this answer is already stale.
          if (next.current) return;
          applyPeople(
            found.people,
            found.requests.map((r) => r.targetUserUuid).filter((g): g is string => g !== null),
          );
          setResult(found);
          setFocusFirst(focus);
        });
      }
    } finally {
      draining.current = false;
    }
  };
  const focusHandled = useCallback(() => setFocusFirst(false), []);

  return { result, pending: search.pending, error: search.error, focusFirst, focusHandled, run };
}

/**
 * Keyboard path: after an operator's search, focus moves to the first result's Choose (announced
 * with the count), or back to the search field when nothing can be chosen.
 */
export function useFocusFirstResult(
  search: Pick<RequestSearchQueue, 'focusFirst' | 'focusHandled' | 'result'>,
  tableRef: RefObject<HTMLDivElement | null>,
  queryRef: RefObject<HTMLInputElement | null>,
): void {
  const { t } = useTranslation();
  const { focusFirst, focusHandled, result } = search;
  useEffect(() => {
    if (!focusFirst || !result) return;
    focusHandled();
    const first = tableRef.current?.querySelector<HTMLButtonElement>('button.choose:not(:disabled)') ?? null;
    if (first) focusAndAnnounce(first, t('keyboard.firstResultFocused', { count: result.requests.length, label: first.getAttribute('aria-label') ?? '' }));
    else focusAndAnnounce(queryRef.current, t('keyboard.noResult'));
  }, [focusFirst, focusHandled, result, t, tableRef, queryRef]);
}

/** Requests whose unconfirmed type the operator acknowledged, each on its own row (RequestTable). */
export function useAcknowledged(): [ReadonlySet<string>, (requestId: string, value: boolean) => void] {
  const [acknowledged, setAcknowledged] = useState<ReadonlySet<string>>(() => new Set());
  const acknowledge = useCallback(
    (requestId: string, value: boolean) =>
      setAcknowledged((before) => {
        const next = new Set(before);
        if (value) next.add(requestId);
        else next.delete(requestId);
        return next;
      }),
    [],
  );
  return [acknowledged, acknowledge];
}
