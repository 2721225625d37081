import { useTranslation } from 'react-i18next';
import type { CmCardLookup } from '../../../shared/enrollment';
import { cmWord, errorText } from '../../wording';
import { CopyButton } from '../CopyButton';
import { PersonName } from '../PersonName';

/** "CM knows this card" (status, owner), "CM does not know this card", or why CM was not asked. */
export function CmKnowledge({ lookup }: { lookup: CmCardLookup }) {
  const { t } = useTranslation();
  switch (lookup.state) {
    case 'found':
      return (
        <div className="cm-found">
          <p>{t('card.cmFound', { status: cmWord(t, 'smartcardStatus', lookup.card.status) })}</p>
          <p>
            {t('card.cmSmartcardId')}: <code>{lookup.card.uuid}</code> <CopyButton value={lookup.card.uuid} label={t('card.cmSmartcardId')} />
          </p>
          <p>
            {lookup.card.assignedUserUuid ? (
              <>
                {t('card.cmOwner')}: <PersonName guid={lookup.card.assignedUserUuid} />
              </>
            ) : (
              t('card.cmNoOwner')
            )}
          </p>
        </div>
      );
    case 'asking':
      return <p className="cm-asking">{t('card.cmAsking')}</p>;
    case 'unknown':
      return <p>{t('card.cmUnknown')}</p>;
    case 'not-asked':
      return <p>{t(`card.cmNotAsked.${lookup.reason}`)}</p>;
    case 'failed':
      return <p className="warning">{t('card.cmFailed', { message: errorText(t, lookup.error.code, lookup.error.params) })}</p>;
  }
}
