import { useTranslation } from 'react-i18next';
import type { CmRequest } from '../../../shared/cm';
import type { RequestSearchResult } from '../../../shared/enrollment';
import { bindabilityOf, readRequestType, type RequestTypeReading } from '../../../shared/request-type-rules';
import type { RequestTypeNumbers } from '../../../shared/request-types';
import { formatDateTime, listSource, shortGuid, templateLabel } from '../../format';
import { PersonName, usePersonLabel } from '../PersonName';
import { cmWord } from '../../wording';

interface Props {
  result: RequestSearchResult;
  choosing: boolean;
  onChoose(request: CmRequest): void;
  /** Machine policy: the numbers IT confirmed (request-types.ts). */
  typeNumbers: RequestTypeNumbers;
  /** The operator allowed requests of unconfirmed type. */
  acceptUnconfirmed: boolean;
}

/** "Renew", or "Unconfirmed type (3, Renew?)": never a guessed name presented as fact. */
export function useTypeLabel(): (reading: RequestTypeReading) => string {
  const { t } = useTranslation();
  return (reading) => {
    if (reading.kind === 'confirmed') return cmWord(t, 'requestType', reading.type);
    return reading.likely === null
      ? t('cmReality.type.unconfirmed', { raw: reading.raw })
      : t('cmReality.type.unconfirmedLikely', { raw: reading.raw, likely: reading.likely });
  };
}

/** The requests found, captioned with where they come from: CM now, or the offline copy's age. */
export function RequestTable({ result, choosing, onChoose, typeNumbers, acceptUnconfirmed }: Props) {
  const { t } = useTranslation();
  const source = listSource(result);
  if (source.kind === 'none') return <p className="warning">{t('search.none')}</p>;
  const caption =
    source.kind === 'live' ? t('search.live') : source.at ? t('search.cache', { time: source.at }) : t('search.cacheUnknown');
  return (
    <table className={source.kind === 'live' ? 'requests' : 'requests offline-copy'}>
      <caption>
        <span aria-hidden="true">{source.kind === 'live' ? '● ' : '◷ '}</span>
        {caption}
      </caption>
      <thead>
        <tr>
          <th scope="col">{t('search.col.id')}</th>
          <th scope="col">{t('search.col.type')}</th>
          <th scope="col">{t('search.col.status')}</th>
          <th scope="col">{t('search.col.user')}</th>
          <th scope="col">{t('search.col.template')}</th>
          <th scope="col">{t('search.col.submitted')}</th>
          <th scope="col">{t('search.col.replaces')}</th>
          <th scope="col">{t('search.col.action')}</th>
        </tr>
      </thead>
      <tbody>
        {result.requests.length === 0 && (
          <tr>
            <td colSpan={8}>{t('search.empty')}</td>
          </tr>
        )}
        {result.requests.map((request) => (
          <RequestRow
            key={request.uuid}
            request={request}
            choosing={choosing}
            onChoose={onChoose}
            reading={readRequestType(request.type, typeNumbers)}
            acceptUnconfirmed={acceptUnconfirmed}
          />
        ))}
      </tbody>
    </table>
  );
}

interface RowProps {
  request: CmRequest;
  choosing: boolean;
  onChoose(request: CmRequest): void;
  reading: RequestTypeReading;
  acceptUnconfirmed: boolean;
}

function RequestRow({ request, choosing, onChoose, reading, acceptUnconfirmed }: RowProps) {
  const { t } = useTranslation();
  const typeLabel = useTypeLabel();
  const none = t('common.none');
  const user = usePersonLabel(request.targetUserUuid, request.targetUserDisplayName);
  const bindable = bindabilityOf(reading);
  return (
    <tr>
      <th scope="row">
        <code title={request.uuid}>{request.uuid}</code>
      </th>
      <td>{typeLabel(reading)}</td>
      <td>{cmWord(t, 'requestStatus', request.status)}</td>
      <td>
        <PersonName guid={request.targetUserUuid} knownName={request.targetUserDisplayName} />
      </td>
      <td>{templateLabel(request) ?? none}</td>
      <td>{request.submitted ? formatDateTime(request.submitted) : none}</td>
      <td>{request.oldSmartcardUuid ? <code>{request.oldSmartcardUuid}</code> : none}</td>
      <td>
        {bindable.ok ? (
          <>
            <button
              type="button"
              className="choose"
              disabled={choosing || (bindable.needsAcknowledgement && !acceptUnconfirmed)}
              aria-label={t('search.chooseLabel', { id: shortGuid(request.uuid), user })}
              onClick={() => onChoose(request)}
            >
              {t('search.choose')}
            </button>
            {bindable.needsAcknowledgement && !acceptUnconfirmed && <p className="hint">{t('cmReality.type.needsAcknowledgement')}</p>}
          </>
        ) : (
          // Listed with the reason, never choosable (request-types.ts).
          <p className="hint">{t('cmReality.type.notBindable', { type: typeLabel(reading) })}</p>
        )}
      </td>
    </tr>
  );
}
