import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fire } from '../fire';

/** Operator-facing identifiers are one click from the clipboard (quality.md, usability). */
export function CopyButton({ value, label }: { value: string; label: string }) {
  const { t } = useTranslation();
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(value);
      setState('copied');
    } catch {
      setState('failed');
    }
  };
  return (
    <>
      <button type="button" className="copy" aria-label={t('common.copyLabel', { what: label })} onClick={() => fire(copy(), 'copy')}>
        {state === 'copied' ? t('common.copied') : t('common.copy')}
      </button>
      {state === 'failed' && (
        <span className="copy-failed" role="status">
          {t('common.copyFailed')}
        </span>
      )}
    </>
  );
}
