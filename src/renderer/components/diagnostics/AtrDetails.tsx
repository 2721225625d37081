import { useTranslation } from 'react-i18next';
import type { AtrInfo } from '../../../shared/atr-info';
import { formatHex } from '../../format';

/** The decoded ATR's main facts (ISO 7816-3), as description-list rows. */
export function AtrDetails({ info }: { info: AtrInfo }) {
  const { t } = useTranslation();
  const { tck } = info;
  const checksum = tck.present
    ? tck.valid
      ? t('diagnostics.tckValid')
      : t('diagnostics.tckInvalid', { expected: formatHex(tck.expected) })
    : tck.required
      ? t('diagnostics.tckMissing')
      : t('diagnostics.tckAbsent');
  return (
    <>
      <dt>{t('diagnostics.protocols')}</dt>
      <dd>{info.protocols.map((p) => `T=${p}`).join(', ')}</dd>
      <dt>{t('diagnostics.convention')}</dt>
      <dd>{t(`diagnostics.conventions.${info.ts.convention}`)}</dd>
      <dt>{t('diagnostics.historical')}</dt>
      <dd>
        <code>{formatHex(info.historical.bytes) || t('common.none')}</code> <span>({info.historical.content.format})</span>
      </dd>
      <dt>{t('diagnostics.checksum')}</dt>
      <dd>{checksum}</dd>
      {info.contactless && (
        <>
          <dt>{t('diagnostics.contactless')}</dt>
          <dd>
            {info.contactless.standard}
            {info.contactless.cardName ? ` — ${info.contactless.cardName}` : ''}
          </dd>
        </>
      )}
    </>
  );
}
