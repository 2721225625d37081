import { useTranslation } from 'react-i18next';
import { cmWord } from '../../wording';
import type { Replacement } from '../../../shared/enrollment';
import { CopyButton } from '../CopyButton';

/** The card the enrollment retires in CM (or that none will be), and who named it. */
export function RetireSummary({ replacement }: { replacement: Replacement | null }) {
  const { t } = useTranslation();
  if (!replacement) return <p className="retire-none">{t('confirm.noRetire')}</p>;
  return (
    <div className="retire">
      <p className="label">{t('confirm.retireHeading')}</p>
      <p>
        <code>{replacement.smartcardUuid}</code>
        <CopyButton value={replacement.smartcardUuid} label={t('confirm.retireHeading')} />
      </p>
      <p>{t(`confirm.retireSource.${replacement.source}`)}</p>
      {replacement.card && <p>{t('confirm.retireStatus', { status: cmWord(t, 'smartcardStatus', replacement.card.status) })}</p>}
    </div>
  );
}
