import type { CmSmartcard } from '../../shared/cm';
import type { CmClient } from '../cm';
import type { CardRecord, OutboxCmPort } from './port';

const record = (card: CmSmartcard): CardRecord => ({
  uuid: card.uuid,
  status: card.status,
  cardId: card.cardId,
  assignedUserUuid: card.assignedUserUuid,
  profileTemplateUuid: card.profileTemplateUuid,
});

/**
 * The outbox's CM port over the station's CM client: renaming only. What a refusal or a 204 means
 * is decided by the outbox (send.ts, bind-proof.ts, refusals.ts), by checking CM, never here.
 */
export function outboxPortFromCmClient(
  client: Pick<CmClient, 'bindCard' | 'setSmartcardStatus' | 'findSmartcardsByCardId' | 'getSmartcard' | 'getRequest'>,
): OutboxCmPort {
  return {
    async bind(args) {
      return { smartcardUuid: await client.bindCard(args) };
    },
    async retire(args) {
      // 200 returns the card (Status 6 in MIMDocs/reference/update-smartcard-status.md); 204 says nothing.
      const card = await client.setSmartcardStatus({ ...args, status: 'Retired' });
      return card?.status === 'Retired' ? 'retired' : 'unconfirmed';
    },
    async findSmartcardsByCardId(cardId) {
      return (await client.findSmartcardsByCardId(cardId)).map(record);
    },
    async getSmartcard(uuid) {
      const card = await client.getSmartcard(uuid);
      return card === null ? null : record(card);
    },
    async getRequest(requestId) {
      const request = await client.getRequest(requestId);
      if (request === null) return null;
      return {
        uuid: request.uuid,
        newSmartcardUuid: request.newSmartcardUuid,
        oldSmartcardUuid: request.oldSmartcardUuid,
        targetUserUuid: request.targetUserUuid,
        profileTemplateUuid: request.profileTemplateUuid,
      };
    },
  };
}
