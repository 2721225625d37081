import type { CmRequest, CmSmartcard } from '../../shared/cm';
import type { CmClient } from '../cm';
import type { CardRecord, OutboxCmPort, RequestRecord } from './port';

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
const requestRecord = (request: CmRequest): RequestRecord => ({
  uuid: request.uuid,
  status: request.status,
  type: request.type,
  newSmartcardUuid: request.newSmartcardUuid,
  oldSmartcardUuid: request.oldSmartcardUuid,
  targetUserUuid: request.targetUserUuid,
  profileTemplateUuid: request.profileTemplateUuid,
});

/** The statuses a Retire request waits in (approval) or can be carried out in. */
const OPEN_STATUSES = ['Pending', 'Approved', 'Executing'] as const;

/** Retire by name, or a number the client cannot name (7 is only likely Retire): never another known type. */
const mayBeRetire = (type: string): boolean => type === 'Retire' || type.startsWith('Unknown(');

export function outboxPortFromCmClient(
  client: Pick<CmClient, 'bindCard' | 'setSmartcardStatus' | 'findSmartcardsByCardId' | 'getSmartcard' | 'getRequest' | 'createRetireRequest' | 'listRequests'>,
): OutboxCmPort {
  return {
    async createRetireRequest({ smartcardUuid }) {
      return { requestId: await client.createRetireRequest(smartcardUuid) };
    },
    async findOpenRetireRequests(smartcardUuid) {
      const found: RequestRecord[] = [];
      for (const status of OPEN_STATUSES) {
        for (const request of await client.listRequests({ status })) {
          if (request.oldSmartcardUuid === smartcardUuid && mayBeRetire(request.type)) found.push(requestRecord(request));
        }
      }
      return found;
    },
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
      return request === null ? null : requestRecord(request);
    },
  };
}
