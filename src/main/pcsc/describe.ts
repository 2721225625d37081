import type { AtrFacts } from '../../shared/enrollment';
import { parseAtr } from './atr';
import type { CardModelMatcher } from './card-models';

export type AtrDescriber = (atr: string) => { atrSummary: string; atrFacts: AtrFacts; model: string | null };

/**
 * The one-line meaning of an ATR for the card panel, and the card model it suggests. A malformed
 * ATR still gets a line (the raw bytes are shown beside it): the operator can see what happened.
 */
export function createAtrDescriber(models: CardModelMatcher): AtrDescriber {
  return (atr) => {
    let model: string | null;
    try {
      model = models.match(atr)?.name ?? null;
    } catch {
      model = null; // a malformed ATR names no model; the summary below says what is wrong
    }
    try {
      const info = parseAtr(atr);
      const protocols = info.protocols.map((t) => `T=${t}`).join(', ');
      const parts = [protocols, info.ts.convention === 'inverse' ? 'inverse convention' : null];
      if (info.contactless) {
        const name = 'cardName' in info.contactless && info.contactless.cardName ? info.contactless.cardName : info.contactless.kind;
        parts.push(`contactless: ${name}`);
      }
      const tckWrong = info.tck.present && !info.tck.valid;
      if (tckWrong) parts.push('TCK wrong');
      const atrFacts: AtrFacts = {
        protocols: [...info.protocols],
        inverse: info.ts.convention === 'inverse',
        contactless: info.contactless
          ? 'cardName' in info.contactless && info.contactless.cardName
            ? info.contactless.cardName
            : info.contactless.kind
          : null,
        tckWrong,
        invalid: false,
      };
      return { atrSummary: parts.filter(Boolean).join(' · '), atrFacts, model };
    } catch (err) {
      const atrFacts: AtrFacts = { protocols: [], inverse: false, contactless: null, tckWrong: false, invalid: true };
      return { atrSummary: err instanceof Error ? err.message : 'Not a valid ATR', atrFacts, model };
    }
  };
}
