import { describe, expect, it, vi } from 'vitest';
import type { IssuanceService } from '../../../src/main/issuance';
import { followEnrollment } from '../../../src/main/station/issuance-wiring';
import type { CardReading } from '../../../src/shared/enrollment';
import type { IssueAtDesk } from '../../../src/shared/issuance';

// A card read while desk issuance is allowed has the issuance code loaded before the operator has
// even chosen a request (service.ts prepare); with issueAtDesk off, or for a card taken out, nothing is.
function follow(issueAtDesk: IssueAtDesk) {
  const issuance = { prepare: vi.fn(), cardSeen: vi.fn() };
  const log = { error: vi.fn() };
  const listener = followEnrollment(
    issuance as unknown as IssuanceService,
    log,
    () => new Date(),
    () => issueAtDesk,
  );
  return { issuance, listener };
}

const reading = (identifier: CardReading['identifier']) => ({ reader: 'R', identifier }) as unknown as CardReading;

describe('followEnrollment: card events', () => {
  it.each(['offer', 'always'] as const)('loads the issuance code when a card is read (issueAtDesk %s)', (mode) => {
    const { issuance, listener } = follow(mode);
    listener({ type: 'card', reader: 'R', reading: reading({ kind: 'piv-guid', value: '33221100-5544-7766-8899-aabbccddeeff' }) });
    expect(issuance.prepare).toHaveBeenCalledTimes(1);
    expect(issuance.cardSeen).toHaveBeenCalledWith('R', '33221100-5544-7766-8899-aabbccddeeff');
  });

  it('loads nothing with issueAtDesk off, nor when the card is taken out', () => {
    const off = follow('off');
    off.listener({ type: 'card', reader: 'R', reading: reading({ kind: 'piv-guid', value: '33221100-5544-7766-8899-aabbccddeeff' }) });
    expect(off.issuance.prepare).not.toHaveBeenCalled();
    const offer = follow('offer');
    offer.listener({ type: 'card', reader: 'R', reading: null });
    expect(offer.issuance.prepare).not.toHaveBeenCalled();
  });
});
