import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { DiagnosticsCard } from '../../diagnostics';
import { errorSummary } from '../../format';
import { AtrValue } from '../AtrValue';
import { CopyButton } from '../CopyButton';
import { ErrorNotice } from '../ErrorNotice';
import { AtrDetails } from './AtrDetails';

export function DiagnosticsReader({ name, card }: { name: string; card: DiagnosticsCard | null }) {
  const { t } = useTranslation();
  const headingId = useId();
  return (
    <article className="diagnostics-reader" aria-labelledby={headingId}>
      <h3 id={headingId}>{name}</h3>
      {card?.identifierError && <ErrorNotice live={false} context={t('card.identityFailed')} error={errorSummary(card.identifierError)} />}
      {card ? (
        <dl>
          <dt>{t('card.atr')}</dt>
          <dd>
            <AtrValue atr={card.atr} reader={name} />
          </dd>
          <dt>{t('card.model')}</dt>
          <dd>{card.model ?? t('card.modelUnknown')}</dd>
          <dt>{t('card.identifier')}</dt>
          <dd>
            <span className="identifier-kind">{t(`card.identifierKind.${card.identifier.kind}`)}</span>
            {card.identifier.value !== null && (
              <>
                <code className="identifier">{card.identifier.value}</code>
                <CopyButton value={card.identifier.value} label={`${t('card.identifier')} ${name}`} />
              </>
            )}
          </dd>
          {card.atrInfo ? (
            <AtrDetails info={card.atrInfo} />
          ) : (
            <>
              <dt>{t('diagnostics.atrInfo')}</dt>
              <dd>{t('diagnostics.noAtrInfo')}</dd>
            </>
          )}
        </dl>
      ) : (
        <p className="state empty">
          <span aria-hidden="true">□ </span>
          {t('diagnostics.noCard')}
        </p>
      )}
    </article>
  );
}
