import { useTranslation } from 'react-i18next';
import type { CmRequest } from '../../../shared/cm';
import { readRequestType } from '../../../shared/request-type-rules';
import type { RequestTypeNumbers } from '../../../shared/request-types';
import { templateLabel } from '../../format';
import { useStation } from '../../store';
import { PersonName } from '../PersonName';
import { cmWord } from '../../wording';
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
      <dd>{cmWord(t, 'requestStatus', request.status)}</dd>
      <dt>{t('request.user')}</dt>
      <dd>
        <PersonName guid={request.targetUserUuid} knownName={request.targetUserDisplayName} />
      </dd>
      <dt>{t('request.template')}</dt>
      <dd>{templateLabel(request) ?? t('common.none')}</dd>
    </dl>
  );
}
