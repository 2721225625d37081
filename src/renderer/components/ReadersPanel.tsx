import { useTranslation } from 'react-i18next';
import type { ReaderState } from '../../shared/readers';
import { useStation } from '../store';
import { CopyButton } from './CopyButton';

/** Groups hex into bytes so an operator can read an ATR aloud; the copy button gives the raw form. */
export function formatHex(hex: string): string {
  return (hex.match(/.{1,2}/g) ?? []).join(' ').toUpperCase();
}

function ReaderCard({ reader }: { reader: ReaderState }) {
  const { t } = useTranslation();
  const headingId = `reader-${encodeURIComponent(reader.name)}`;
  return (
    <section className="reader" aria-labelledby={headingId} data-reader={reader.name}>
      <h3 id={headingId}>{reader.name}</h3>
      {reader.card ? (
        <div className="card-present">
          <p className="state">
            <span aria-hidden="true">▣ </span>
            {t('readers.cardPresent')}
          </p>
          <dl>
            <dt>{t('readers.atr')}</dt>
            <dd>
              <code className="atr" data-atr={reader.card.atr}>
                {formatHex(reader.card.atr)}
              </code>
              <CopyButton value={reader.card.atr} label={`${t('readers.atr')} ${reader.name}`} />
            </dd>
          </dl>
        </div>
      ) : (
        <p className="state empty">
          <span aria-hidden="true">□ </span>
          {t('readers.empty')} — {t('readers.insertCard')}
        </p>
      )}
    </section>
  );
}

export function ReadersPanel() {
  const { t } = useTranslation();
  const readers = useStation((s) => s.readers);
  return (
    <section className="readers" aria-labelledby="readers-heading">
      <h2 id="readers-heading">{t('readers.heading')}</h2>
      <div role="status" aria-live="polite" className="service-state">
        {readers.service === 'down' && <p className="alert">{t('readers.serviceDown')}</p>}
        {readers.service === 'starting' && <p>{t('readers.serviceStarting')}</p>}
        {readers.service === 'up' && readers.readers.length === 0 && <p>{t('readers.none')}</p>}
      </div>
      <div className="reader-list">
        {readers.readers.map((reader) => (
          <ReaderCard key={reader.name} reader={reader} />
        ))}
      </div>
    </section>
  );
}
