import { useTranslation } from 'react-i18next';
import { formatHex } from '../format';
import { CopyButton } from './CopyButton';

/** An ATR as the operator reads it aloud (spaced bytes), with the raw hex one click away. */
export function AtrValue({ atr, reader }: { atr: string; reader: string }) {
  const { t } = useTranslation();
  return (
    <>
      <code className="atr" data-atr={atr}>
        {formatHex(atr)}
      </code>
      <CopyButton value={atr} label={`${t('card.atr')} ${reader}`} />
    </>
  );
}
