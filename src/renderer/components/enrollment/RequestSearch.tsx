import { useEffect, useEffectEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CmRequest } from '../../../shared/cm';
import { normalizeGuid } from '../../../shared/guid';
import { focusAndAnnounce } from '../../announce';
import { errorSummary } from '../../format';
import { enrollmentCall, useClient, useStation } from '../../store';
import { useAction } from '../../use-action';
import { ErrorNotice } from '../ErrorNotice';
import type { RequestTypeNumbers } from '../../../shared/request-types';
import { DirectoryNote } from './DirectoryNote';
import { ReplacesField, SearchForm, SearchStatus, StartBatchButton } from './RequestSearchParts';
import { RequestTable } from './RequestTable';
import { useAcknowledged, useFocusFirstResult, useRequestSearch } from './use-request-search';
import { fire } from '../../fire';

/** A stable empty map: a selector must not return a new object on every call. */
const NO_NUMBERS: RequestTypeNumbers = {};

/**
 * Step 3: find the approved request (live, or the last synced copy offline) and choose it.
 * Keyboard path: focus starts in the search field; Enter searches and moves focus to the first
 * result's Choose; Enter there chooses (the confirmation then focuses Confirm).
 * The search queue and the focus after a search are hooks (use-request-search.ts); the form, the
 * status, the replaces field and the batch button are components (RequestSearchParts.tsx).
 */
export function RequestSearch({ reader }: { reader: string }) {
  const { t } = useTranslation();
  const client = useClient();
  const [replaces, setReplaces] = useState('');
  const [replacesInvalid, setReplacesInvalid] = useState(false);
  const [acknowledged, acknowledge] = useAcknowledged();
  const typeNumbers = useStation((st) => st.settings?.values.requestTypeNumbers ?? NO_NUMBERS);
  const queryRef = useRef<HTMLInputElement>(null);
  const replacesRef = useRef<HTMLInputElement>(null);
  const tableRef = useRef<HTMLDivElement>(null);
  const search = useRequestSearch((query) => client.call('requests.search', { query, limit: 100 }));
  const { result } = search;
  const choose = useAction();
  useFocusFirstResult(search, tableRef, queryRef);

  // Once per card-read step (an effect event reads the current `t` and `search.run`).
  const onCardRead = useEffectEvent(() => {
    // Card read, no request yet: the operator types a name next.
    focusAndAnnounce(queryRef.current, t('keyboard.searchFocused'));
    // The full list of approved requests as soon as the card is read: often one click from done.
    fire(search.run('', false), 'request search');
  });
  useEffect(() => onCardRead(), []);

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
        client.call('enrollment.choose', {
          reader,
          requestId: request.uuid,
          replaceSmartcardUuid: replacement,
          acceptUnconfirmedType: acknowledged.has(request.uuid),
        }),
      ),
    );
  };

  return (
    <div className="request-search">
      <SearchForm queryRef={queryRef} onSearch={(query) => fire(search.run(query, true), 'request search')} />
      <SearchStatus search={search} />
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
      <ReplacesField
        inputRef={replacesRef}
        value={replaces}
        invalid={replacesInvalid}
        onChange={(value) => {
          setReplaces(value);
          setReplacesInvalid(false);
        }}
      />
      <StartBatchButton
        result={result}
        onStart={async (requestIds) => {
          await client.call('batch.set', { requestIds });
        }}
      />
    </div>
  );
}
