import { useTranslation } from 'react-i18next';
import type { CardReading } from '../../../shared/enrollment';
import type { ReaderState } from '../../../shared/readers';
import { errorSummary } from '../../format';
import { atrFactsText } from '../../wording';
import { AtrValue } from '../AtrValue';
import { CopyButton } from '../CopyButton';
import { ErrorNotice } from '../ErrorNotice';
import { CmKnowledge } from './CmKnowledge';
import { ReadAgainButton } from './ReadAgainButton';

/** Worth another read: the identifier failed, or CM could not be asked (it may be back). */
function needsReadAgain(current: CardReading | undefined, identityFailed: boolean): boolean {
  if (!current) return identityFailed;
  return current.cm.state === 'failed' || (current.cm.state === 'not-asked' && current.cm.reason === 'offline');
}

/**
 * The card in a reader: the ATR as soon as the reader reports it, then what the station read from
 * the card (identifier, model) and what CM knows of it, once that reading belongs to this insertion.
 */
interface Props {
  reader: ReaderState;
  reading: CardReading | undefined;
  /** A factory card's identifier the station writes before the bind (the chosen request's issuance plan). */
  plannedChuid?: string | null;
}

export function CardPanel({ reader, reading, plannedChuid = null }: Props) {
  const { t } = useTranslation();
  const card = reader.card;
  if (!card) {
    return (
      <p className="state empty">
        <span aria-hidden="true">□ </span>
        {t('readers.empty')} — {t('readers.insertCard')}
      </p>
    );
  }
  const current = reading && reading.insertion === card.insertion ? reading : undefined;
  return (
    <div className="card-present">
      <p className="state">
        <span aria-hidden="true">▣ </span>
        {t('readers.cardPresent')}
      </p>
      <dl>
        <dt>{t('card.atr')}</dt>
        <dd>
          <AtrValue atr={card.atr} reader={reader.name} />
        </dd>
        {current ? (
          <>
            <dt>{t('card.atrSummary')}</dt>
            <dd>{current.atrFacts ? atrFactsText(t, current.atrFacts) : current.atrSummary}</dd>
            <dt>{t('card.model')}</dt>
            <dd>{current.model ?? t('card.modelUnknown')}</dd>
            <dt>{t('card.identifier')}</dt>
            <dd>
              <span className="identifier-kind">{t(`card.identifierKind.${current.identifier.kind}`)}</span>
              {current.identifier.value !== null ? (
                <>
                  <code className="identifier">{current.identifier.value}</code>
                  <CopyButton value={current.identifier.value} label={`${t('card.identifier')} ${reader.name}`} />
                </>
              ) : plannedChuid !== null ? (
                <>
                  <code className="identifier">{plannedChuid}</code>
                  <span>{t('issuance.plan.chuidOnCard')}</span>
                </>
              ) : (
                <span className="warning">{t('card.noIdentifier')}</span>
              )}
            </dd>
            <dt>{t('card.cm')}</dt>
            <dd>
              <CmKnowledge lookup={current.cm} />
            </dd>
          </>
        ) : (
          card.identity?.status !== 'failed' && (
            <>
              <dt>{t('card.identifier')}</dt>
              <dd>{t('card.reading')}</dd>
            </>
          )
        )}
      </dl>
      {!current && card.identity?.status === 'failed' && <ErrorNotice context={t('card.identityFailed')} error={errorSummary(card.identity.error)} />}
      {needsReadAgain(current, card.identity?.status === 'failed') && <ReadAgainButton reader={reader.name} />}
    </div>
  );
}
