import { describe, expect, it } from 'vitest';
import { outboxPortFromCmClient } from '../../../src/main/outbox';
import type { CmRequest, CmSmartcard } from '../../../src/shared/cm';

const REQ = 'a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099';
const CARD = '5c000000-0000-4000-8000-000000000001';
const RETIRE_REQ = '7e000000-0000-4000-8000-000000000007';

function card(status: CmSmartcard['status']): CmSmartcard {
  return {
    uuid: CARD,
    status,
    serialNumber: '{bc88f13f-83ba-4037-8262-46eba1291c6e}',
    cardId: 'bc88f13f-83ba-4037-8262-46eba1291c6e',
    atr: '3b8d0180fba000000397425446590301c8',
    assignedUserUuid: '8f1590dc-d932-4b66-8e68-2e91c5880780',
    profileTemplateUuid: 'a039b4d0-5ce8-4eff-8651-181c6576fda3',
    profileTemplateVersion: null,
    parentSmartcardUuid: null,
    primarySmartcardUuid: null,
    permanentSmartcardUuid: null,
    middleware: 'MSBaseCSP',
    comment: '',
  };
}

function client(setStatus: () => Promise<CmSmartcard | null>, current: CmSmartcard[]) {
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
      findSmartcardsByCardId: async () => current,
      getSmartcard: async () => current[0] ?? null,
      getRequest: async (id) =>
        ({ uuid: id, newSmartcardUuid: CARD, oldSmartcardUuid: null, targetUserUuid: null, profileTemplateUuid: null }) as unknown as CmRequest,
      createRetireRequest: async (smartcardUuid) => {
        calls.push(`create Retire ${smartcardUuid}`);
        return RETIRE_REQ;
      },
      // Microsoft's example 2 Unblock (get-request.md) acts on card 17cf063d; a Retire (by name or an unknown number) is a candidate.
      listRequests: async (filter) =>
        filter?.status === 'Pending'
          ? ([
              { uuid: RETIRE_REQ, status: 'Pending', type: 'Unknown(7)', oldSmartcardUuid: CARD },
              { uuid: '0c96d73f-967b-420e-854a-43ad2a1504bc', status: 'Pending', type: 'Unblock', oldSmartcardUuid: CARD },
            ] as unknown as CmRequest[])
          : [],
    }),
  };
}

describe('outboxPortFromCmClient', () => {
  it('binds and looks cards and requests up through the client, keeping every record', async () => {
    const { port } = client(async () => null, [card('Retired'), card('Assigned')]);
    await expect(port.bind({ requestId: REQ, cardId: 'bc88f13f-83ba-4037-8262-46eba1291c6e', atr: '3b00' })).resolves.toEqual({ smartcardUuid: CARD });
    expect((await port.findSmartcardsByCardId('x')).map((r) => r.status)).toEqual(['Retired', 'Assigned']);
    await expect(port.getRequest(REQ)).resolves.toMatchObject({ newSmartcardUuid: CARD });
  });

  it('reports a retire as confirmed only when CM shows the card Retired; a 204 is unconfirmed', async () => {
    await expect(client(async () => card('Retired'), []).port.retire({ requestId: REQ, smartcardUuid: CARD })).resolves.toBe('retired');
    await expect(client(async () => null, []).port.retire({ requestId: REQ, smartcardUuid: CARD })).resolves.toBe('unconfirmed');
    await expect(client(async () => card('Active'), []).port.retire({ requestId: REQ, smartcardUuid: CARD })).resolves.toBe('unconfirmed');
  });

  it('creates a Retire request through the client, and finds open ones of the card that may be Retire (never an Unblock)', async () => {
    const { port, calls } = client(async () => null, []);
    await expect(port.createRetireRequest({ smartcardUuid: CARD })).resolves.toEqual({ requestId: RETIRE_REQ });
    expect(calls).toEqual([`create Retire ${CARD}`]);
    expect((await port.findOpenRetireRequests(CARD)).map((r) => r.uuid)).toEqual([RETIRE_REQ]);
    expect(await port.findOpenRetireRequests('5c000000-0000-4000-8000-000000000009')).toEqual([]);
  });
});
