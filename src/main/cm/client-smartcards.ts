import type { CmSmartcard, Guid, SmartcardStatus } from '../../shared/cm';
import { normalizeAtr, normalizeCardId, requireGuid, ROUTES, type CmClientContext } from './client-context';
import { outcomeUnknownAnswer, type CmCallContext } from './errors';
import { toCmSmartcard } from './normalize';
import { wireCreatedSmartcardSchema, wireOperationsSchema, wireSmartcardLookupSchema, wireSmartcardSchema } from './wire-schemas';

export interface BindCardInput {
  /** The CM request's Uuid. */
  requestId: string;
  /** The physical card id read from the card (minidriver CardID / CHUID GUID / UID as hex). */
  cardId: string;
  /** Answer-to-reset as hex; spaces and case do not matter. */
  atr: string;
}

export interface SetSmartcardStatusInput {
  requestId: string;
  /** CM's Uuid of the smart card, not the physical card id. */
  smartcardUuid: string;
  status: SmartcardStatus;
}

export interface CmSmartcardOperations {
  bindCard(input: BindCardInput): Promise<Guid>;
  setSmartcardStatus(input: SetSmartcardStatusInput): Promise<CmSmartcard | null>;
  getSmartcard(smartcardUuid: string): Promise<CmSmartcard | null>;
  findSmartcardByCardId(cardId: string): Promise<CmSmartcard | null>;
  findSmartcardsByCardId(cardId: string): Promise<CmSmartcard[]>;
  getSmartcardOperations(smartcardUuid: string): Promise<string[]>;
}

const smartcardRoute = (uuid: Guid) => `smartcards/${encodeURIComponent(uuid)}`;

/** The CM smart cards: binding a card to a request, its status, its records and the operations CM offers on it. */
export function smartcardOperations(context: CmClientContext): CmSmartcardOperations {
  /**
   * `GET /smartcards?cardid=`: one object in the examples (MIMDocs/reference/get-smartcard-data.md),
   * a list accepted too. Records whose SerialNumber is another card's are dropped: a server that
   * ignored the filter must not make another card's record look like this one's.
   */
  async function findSmartcardsByCardId(cardId: string): Promise<CmSmartcard[]> {
    const id = normalizeCardId(cardId);
    const ctx: CmCallContext = { method: 'GET', route: ROUTES.findSmartcard };
    const wire = await context.getOptional(wireSmartcardLookupSchema, ctx, `smartcards?cardid=${encodeURIComponent(id)}`);
    if (wire === null) return [];
    return (Array.isArray(wire) ? wire : [wire]).map(toCmSmartcard).filter((card) => card.cardId === id);
  }

  return {
    async bindCard(input) {
      const body = {
        requestid: requireGuid(input.requestId, 'requestId'),
        cardid: normalizeCardId(input.cardId),
        atr: normalizeAtr(input.atr),
      };
      const ctx: CmCallContext = { method: 'POST', route: ROUTES.bindCard };
      const answer = await context.call(ctx, 'smartcards', body);
      // Documented among the codes (assign-smartcard-to-request.md) but not explained: the card may be bound.
      if (answer.status !== 201 && answer.status !== 200) throw outcomeUnknownAnswer(ctx, answer.status);
      return context.parse(wireCreatedSmartcardSchema, answer, ctx);
    },

    async setSmartcardStatus(input) {
      const requestId = requireGuid(input.requestId, 'requestId');
      const smartcardUuid = requireGuid(input.smartcardUuid, 'smartcardUuid');
      const ctx: CmCallContext = { method: 'PUT', route: ROUTES.setStatus };
      const path = `requests/${encodeURIComponent(requestId)}/${smartcardRoute(smartcardUuid)}`;
      const answer = await context.call(ctx, path, { status: input.status });
      return answer.status === 204 ? null : toCmSmartcard(context.parse(wireSmartcardSchema, answer, ctx));
    },

    async getSmartcard(smartcardUuid) {
      const id = requireGuid(smartcardUuid, 'smartcardUuid');
      const wire = await context.getOptional(wireSmartcardSchema, { method: 'GET', route: ROUTES.getSmartcard }, smartcardRoute(id));
      return wire === null ? null : toCmSmartcard(wire);
    },

    async findSmartcardByCardId(cardId) {
      const cards = await findSmartcardsByCardId(cardId);
      // The live record (Assigned or Active) is the one the card panel should describe.
      return cards.find((card) => card.status === 'Assigned' || card.status === 'Active') ?? cards[0] ?? null;
    },

    findSmartcardsByCardId,

    async getSmartcardOperations(smartcardUuid) {
      const id = requireGuid(smartcardUuid, 'smartcardUuid');
      const ctx: CmCallContext = { method: 'GET', route: ROUTES.operations };
      const answer = await context.call(ctx, `${smartcardRoute(id)}/operations`);
      return answer.status === 204 ? [] : context.parse(wireOperationsSchema, answer, ctx).map((op) => op.toLowerCase());
    },
  };
}
