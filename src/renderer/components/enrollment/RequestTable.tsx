import { useTranslation } from 'react-i18next';
import type { CmRequest } from '../../../shared/cm';
import type { RequestSearchResult } from '../../../shared/enrollment';
import { bindabilityOf, readRequestType, type RequestTypeNumbers, type RequestTypeReading } from '../../../shared/request-types';
import { formatDateTime, listSource, shortGuid, targetUserLabel, templateLabel } from '../../format';

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
    if (reading.kind === 'confirmed') return reading.type;
    return reading.likely === null
      ? t('cmReality.type.unconfirmed', { raw: reading.raw })
      : t('cmReality.type.unconfirmedLikely', { raw: reading.raw, likely: reading.likely });
  };
}

/** The requests found, captioned with where they come from: CM now, or the offline copy's age. */
export function RequestTable({ result, choosing, onChoose, typeNumbers, acceptUnconfirmed }: Props) {
  const { t } = useTranslation();
  const typeLabel = useTypeLabel();
  const source = listSource(result);
  if (source.kind === 'none') return <p className="warning">{t('search.none')}</p>;
  const caption =
    source.kind === 'live' ? t('search.live') : source.at ? t('search.cache', { time: source.at }) : t('search.cacheUnknown');
  const none = t('common.none');
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
        {result.requests.map((request) => {
          const user = targetUserLabel(request);
          const reading = readRequestType(request.type, typeNumbers);
          const bindable = bindabilityOf(reading);
          return (
            <tr key={request.uuid}>
              <th scope="row">
                <code title={request.uuid}>{request.uuid}</code>
              </th>
              <td>{typeLabel(reading)}</td>
              <td>{request.status}</td>
              <td>{user ?? t('request.unknownUser')}</td>
              <td>{templateLabel(request) ?? none}</td>
              <td>{request.submitted ? formatDateTime(request.submitted) : none}</td>
              <td>{request.oldSmartcardUuid ? <code>{request.oldSmartcardUuid}</code> : none}</td>
              <td>
                {bindable.ok ? (
                  <>
                    <button
                      type="button"
                      disabled={choosing || (bindable.needsAcknowledgement && !acceptUnconfirmed)}
                      aria-label={t('search.chooseLabel', { id: shortGuid(request.uuid), user: user ?? t('request.unknownUser') })}
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
        })}
      </tbody>
    </table>
  );
}
