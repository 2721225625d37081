import { describe, expect, it } from 'vitest';
import { chooseSlots, preferredSlot } from '../../../src/main/pki';

describe('slot choice by KeyUsages (desk-issuance.md: Windows X509PrivateKeyUsageFlags)', () => {
  it.each([
    [1, '9d', 'decryption only: Key Management'],
    [2, '9c', 'signing only: Digital Signature'],
    [3, '9a', 'both: PIV Authentication'],
    [4, '9d', 'key agreement only: Key Management'],
    [6, '9a', 'signing and key agreement'],
    [0, '9a', 'no usage stated: the authentication key'],
  ])('KeyUsages %i -> %s (%s)', (keyUsages, slot) => {
    expect(preferredSlot(keyUsages)).toBe(slot);
  });

  it.each([
    [
      [3, 2, 1],
      ['9a', '9c', '9d'],
    ],
    [
      [2, 1],
      ['9c', '9d'],
    ],
    [
      [1, 3],
      ['9d', '9a'],
    ],
    // A second request for a taken slot falls to the first free of 9A, 9D, 9C.
    [
      [3, 3],
      ['9a', '9d'],
    ],
    [
      [2, 2, 2],
      ['9c', '9a', '9d'],
    ],
  ])('options %j -> %j', (usages, slots) => {
    expect(chooseSlots(usages.map((keyUsages) => ({ keyUsages })))).toEqual(slots);
  });

  it('refuses more than three keys before anything is generated', () => {
    expect(() => chooseSlots([{ keyUsages: 3 }, { keyUsages: 2 }, { keyUsages: 1 }, { keyUsages: 2 }])).toThrow(
      expect.objectContaining({ code: 'ISSUANCE_CARD_NOT_ISSUABLE' }),
    );
  });
});
