import { useId } from 'react';
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
  /** Requests whose unconfirmed type the operator acknowledged, one by one (by request id). */
  acknowledged: ReadonlySet<string>;
  onAcknowledge(requestId: string, acknowledged: boolean): void;
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
export function RequestTable({ result, choosing, onChoose, typeNumbers, acknowledged, onAcknowledge }: Props) {
  const { t } = useTranslation();
  const source = listSource(result);
  if (source.kind === 'none') return <p className="warning">{t('search.none')}</p>;
  const caption = source.kind === 'live' ? t('search.live') : source.at ? t('search.cache', { time: source.at }) : t('search.cacheUnknown');
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
            acknowledged={acknowledged.has(request.uuid)}
            onAcknowledge={(value) => onAcknowledge(request.uuid, value)}
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
  acknowledged: boolean;
  onAcknowledge(acknowledged: boolean): void;
}

function RequestRow({ request, choosing, onChoose, reading, acknowledged, onAcknowledge }: RowProps) {
  const { t } = useTranslation();
  const id = useId();
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
            {bindable.needsAcknowledgement && (
              // The acknowledgement is for this request only, and names the type it accepts.
              <div className="checkbox">
                <input id={`${id}-ack`} type="checkbox" checked={acknowledged} onChange={(event) => onAcknowledge(event.target.checked)} />
                <label htmlFor={`${id}-ack`}>{t('cmReality.type.acknowledge', { type: typeLabel(reading) })}</label>
              </div>
            )}
            <button
              type="button"
              className="choose"
              disabled={choosing || (bindable.needsAcknowledgement && !acknowledged)}
              aria-label={t('search.chooseLabel', { id: shortGuid(request.uuid), user })}
              onClick={() => onChoose(request)}
            >
              {t('search.choose')}
            </button>
            {bindable.needsAcknowledgement && !acknowledged && <p className="hint">{t('cmReality.type.needsAcknowledgement')}</p>}
          </>
        ) : (
          // Listed with the reason, never choosable (request-types.ts).
          <p className="hint">{t('cmReality.type.notBindable', { type: typeLabel(reading) })}</p>
        )}
      </td>
    </tr>
  );
}
