import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SupportBundleResult } from '../../../shared/diagnostics';
import { errorSummary } from '../../format';
import { useClient } from '../../store';
import { useAction } from '../../use-action';
import { ErrorNotice } from '../ErrorNotice';

/**
 * Makes a support bundle (as `npm run station -- support-bundle` does) into the export folder: the
 * station decides where; the screen only shows where it went, for the operator to pass on to IT.
 */
export function SupportBundleSection() {
  const { t } = useTranslation();
  const client = useClient();
  const headingId = useId();
  const [result, setResult] = useState<SupportBundleResult | null>(null);
  const action = useAction();
  return (
    <section className="support-bundle" aria-labelledby={headingId}>
      <h3 id={headingId}>{t('supportBundle.heading')}</h3>
      <p>{t('supportBundle.explain')}</p>
      <button
        type="button"
        disabled={action.pending}
        onClick={() => void action.run(async () => setResult(await client.call('diagnostics.supportBundle', {})))}
      >
        {t('supportBundle.make')}
      </button>
      <p role="status" aria-live="polite">
        {action.pending ? t('supportBundle.making') : result ? t('supportBundle.written', { path: result.path }) : ''}
      </p>
      {action.error && <ErrorNotice context={t('supportBundle.failed')} error={errorSummary(action.error)} />}
    </section>
  );
}
