// The gate's plan for a factory card (no CHUID) whose profile states no initial admin key: the card id
// cannot be written, so issuance is not offered (`offer`) or the choice is refused (`always`), from
// the one smart card configuration CM was asked for.
import { describe, expect, it } from 'vitest';
import type { IssueAtDesk } from '../../../src/shared/issuance';
import { createIssuanceGate } from '../../../src/main/issuance';
import type { CardReading } from '../../../src/shared/enrollment';
import { FakeCard, FakeCm, fakeAccess, fakeCmPorts, Faults, READER } from './fakes';

function factoryCardGate(policy: IssueAtDesk, defaultAdminKey: Buffer | null = null) {
  const card = new FakeCard();
  card.chuid = null;
  const cm = new FakeCm();
  cm.behaviour.config = { ...cm.behaviour.config, defaultAdminKey };
  const faults = new Faults();
  const gate = createIssuanceGate({
    policy: () => policy,
    card: fakeAccess(card, faults),
    cm: fakeCmPorts(cm, faults).cm,
    isOnline: () => true,
    audit: async () => undefined,
  });
  return { gate, cm, faults };
}

const READING = {} as CardReading;

describe('issuance gate: a factory card under a profile without an initial admin key', () => {
  it('offer: not offered, with the reason, after one configuration read', async () => {
    const { gate, cm, faults } = factoryCardGate('offer');
    const plan = await gate.plan(READER, READING, cm.request);
    expect(plan).toMatchObject({ mode: null, chuid: null, reason: { code: 'ISSUANCE_CARD_NOT_ISSUABLE' } });
    expect(faults.calls.filter((c) => c === 'cm.configuration')).toHaveLength(1);
  });

  it('always: the choice is refused, nothing written to the card', async () => {
    const { gate, cm, faults } = factoryCardGate('always');
    await expect(gate.plan(READER, READING, cm.request)).rejects.toMatchObject({ code: 'ISSUANCE_CARD_NOT_ISSUABLE' });
    expect(faults.calls.filter((c) => c.startsWith('card.'))).toEqual([]);
  });

  it('a key that is not 3DES (16 bytes: AES-128 or two-key 3DES) is refused the same way, at the choice, naming its length', async () => {
    const { gate, cm, faults } = factoryCardGate('always', Buffer.alloc(16, 1));
    await expect(gate.plan(READER, READING, cm.request)).rejects.toMatchObject({ code: 'ISSUANCE_CARD_NOT_ISSUABLE', details: { length: 16 } });
    expect(faults.calls.filter((c) => c.startsWith('card.'))).toEqual([]);
    const offered = await factoryCardGate('offer', Buffer.alloc(16, 1)).gate.plan(READER, READING, cm.request);
    expect(offered).toMatchObject({ mode: null, chuid: null, reason: { code: 'ISSUANCE_CARD_NOT_ISSUABLE', message: expect.stringContaining('16 bytes') } });
  });

  it('a 3DES key (24 bytes) is offered: the card id is written with it', async () => {
    const { gate, cm } = factoryCardGate('offer', Buffer.alloc(24, 1));
    expect(await gate.plan(READER, READING, cm.request)).toMatchObject({ mode: 'offer', reason: null, chuid: expect.stringMatching(/^[0-9a-f]{32}$/) });
  });
});
