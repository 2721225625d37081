import { useTranslation } from 'react-i18next';
import type { CmRequest } from '../../../shared/cm';
import { readRequestType, type RequestTypeNumbers } from '../../../shared/request-types';
import { targetUserLabel, templateLabel } from '../../format';
import { useStation } from '../../store';
import { CopyButton } from '../CopyButton';
import { useTypeLabel } from './RequestTable';

const NO_NUMBERS: RequestTypeNumbers = {};

/** The chosen request, as the operator checks it against the person at the desk. */
export function RequestSummary({ request }: { request: CmRequest }) {
  const { t } = useTranslation();
  const typeLabel = useTypeLabel();
  const typeNumbers = useStation((st) => st.settings?.values.requestTypeNumbers ?? NO_NUMBERS);
  return (
    <dl className="request-summary">
      <dt>{t('request.id')}</dt>
      <dd>
        <code>{request.uuid}</code>
        <CopyButton value={request.uuid} label={t('request.id')} />
      </dd>
      <dt>{t('request.type')}</dt>
      <dd>{typeLabel(readRequestType(request.type, typeNumbers))}</dd>
      <dt>{t('request.status')}</dt>
      <dd>{request.status}</dd>
      <dt>{t('request.user')}</dt>
      <dd>{targetUserLabel(request) ?? t('request.unknownUser')}</dd>
      <dt>{t('request.template')}</dt>
      <dd>{templateLabel(request) ?? t('common.none')}</dd>
    </dl>
  );
}
