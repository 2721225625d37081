import { StationError } from '../../shared/errors';
import type { CmClient } from '../cm';
import type { OutboxCmPort } from './port';

/**
 * The outbox's CM port over the station's CM client. Besides renaming, it makes retiring
 * idempotent: CM's documentation does not say what a second retire of the same card answers, so a
 * refusal is checked against the card itself, and a card that is already Retired counts as done.
 */
export function outboxPortFromCmClient(
  client: Pick<CmClient, 'bindCard' | 'setSmartcardStatus' | 'findSmartcardByCardId' | 'getSmartcard'>,
): OutboxCmPort {
  return {
    async bind(args) {
      return { smartcardUuid: await client.bindCard(args) };
    },
    async retire(args) {
      try {
        await client.setSmartcardStatus({ ...args, status: 'Retired' });
      } catch (err) {
        const refused = err instanceof StationError && (err.code === 'CM_CONFLICT' || err.code === 'CM_CLIENT_ERROR');
        if (!refused) throw err;
        const card = await client.getSmartcard(args.smartcardUuid);
        if (card?.status !== 'Retired') throw err;
      }
    },
    async findSmartcardByCardId(cardId) {
      const card = await client.findSmartcardByCardId(cardId);
      return card === null ? null : { uuid: card.uuid, status: card.status };
    },
  };
}
