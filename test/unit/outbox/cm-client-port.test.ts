import { describe, expect, it } from 'vitest';
import { outboxPortFromCmClient } from '../../../src/main/outbox';
import type { CmSmartcard } from '../../../src/shared/cm';
import { StationError } from '../../../src/shared/errors';

const REQ = 'a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099';
const CARD = '5c000000-0000-4000-8000-000000000001';

function card(status: CmSmartcard['status']): CmSmartcard {
  return {
    uuid: CARD,
    status,
    serialNumber: '{bc88f13f-83ba-4037-8262-46eba1291c6e}',
    cardId: 'bc88f13f-83ba-4037-8262-46eba1291c6e',
    atr: '3b8d0180fba000000397425446590301c8',
    assignedUserUuid: null,
    profileTemplateUuid: null,
    profileTemplateVersion: null,
    parentSmartcardUuid: null,
    primarySmartcardUuid: null,
    permanentSmartcardUuid: null,
    middleware: 'MSBaseCSP',
    comment: '',
  };
}

function client(setStatus: () => Promise<CmSmartcard | null>, current: CmSmartcard | null) {
  const calls: string[] = [];
  return {
    calls,
    port: outboxPortFromCmClient({
      bindCard: async (input) => {
        calls.push(`bind ${input.cardId}`);
        return CARD;
      },
      setSmartcardStatus: async (input) => {
        calls.push(`status ${input.smartcardUuid} ${input.status}`);
        return setStatus();
      },
      findSmartcardByCardId: async () => current,
      getSmartcard: async () => {
        calls.push('get');
        return current;
      },
    }),
  };
}

describe('outboxPortFromCmClient', () => {
  it('binds and looks cards up through the client', async () => {
    const { port } = client(async () => null, card('Assigned'));
    await expect(port.bind({ requestId: REQ, cardId: 'bc88f13f-83ba-4037-8262-46eba1291c6e', atr: '3b00' })).resolves.toEqual({ smartcardUuid: CARD });
    await expect(port.findSmartcardByCardId('x')).resolves.toEqual({ uuid: CARD, status: 'Assigned' });
  });

  it('treats a refused retire of a card that is already Retired as done', async () => {
    const { port, calls } = client(() => Promise.reject(new StationError('CM_CONFLICT', 'no')), card('Retired'));
    await expect(port.retire({ requestId: REQ, smartcardUuid: CARD })).resolves.toBeUndefined();
    expect(calls).toEqual([`status ${CARD} Retired`, 'get']);
  });

  it('passes the refusal on when the card is not Retired, and never checks on transient failures', async () => {
    const refused = client(() => Promise.reject(new StationError('CM_CLIENT_ERROR', 'no')), card('Active'));
    await expect(refused.port.retire({ requestId: REQ, smartcardUuid: CARD })).rejects.toMatchObject({ code: 'CM_CLIENT_ERROR' });
    const offline = client(() => Promise.reject(new StationError('CM_OFFLINE', 'down')), card('Retired'));
    await expect(offline.port.retire({ requestId: REQ, smartcardUuid: CARD })).rejects.toMatchObject({ code: 'CM_OFFLINE' });
    expect(offline.calls).toEqual([`status ${CARD} Retired`]);
  });
});
