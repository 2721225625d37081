// What the progress screen says brings a paused issuance back, read from the table main pauses by
// (src/shared/issuance-pauses.ts PAUSED_ISSUANCE_RESUMES_WITH; test/unit/issuance/classify.test.ts holds main to it).
import { describe, expect, it } from 'vitest';
import { bringsBack } from '../../../src/renderer/components/issuance/issuance-view';
import { PAUSED_ISSUANCE_RESUMES_WITH } from '../../../src/shared/issuance-pauses';

describe('a paused issuance: what brings it back', () => {
  it.each(Object.entries(PAUSED_ISSUANCE_RESUMES_WITH) as Array<[keyof typeof PAUSED_ISSUANCE_RESUMES_WITH, string]>)('%s: %s', (code, by) => {
    expect(bringsBack(code)).toBe(by === 'operator' ? 'other' : by);
  });

  it('the card for a pulled or swapped card, CM for an outage, Resume for a disk error', () => {
    expect(bringsBack('PCSC_CARD_REMOVED')).toBe('card');
    expect(bringsBack('ISSUANCE_NEEDS_CM')).toBe('cm');
    expect(bringsBack('STORAGE_IO')).toBe('other');
  });

  it('a code main never pauses on is worded as Resume', () => {
    expect(bringsBack('CM_REFUSED')).toBe('other');
  });
});
