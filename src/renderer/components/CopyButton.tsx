import { useState } from 'react';
import { useTranslation } from 'react-i18next';

/** Operator-facing identifiers are one click from the clipboard (quality.md, usability). */
export function CopyButton({ value, label }: { value: string; label: string }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="copy"
      aria-label={`${t('readers.copy')} ${label}`}
      onClick={() => {
        void navigator.clipboard?.writeText(value).then(() => setCopied(true));
      }}
    >
      {copied ? t('readers.copied') : t('readers.copy')}
    </button>
  );
}
