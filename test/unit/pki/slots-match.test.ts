import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { chooseSlots, matchCertificates, preferredSlot } from '../../../src/main/pki';
import { createTestPki } from '../../support/pki/openssl';

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

describe('matchCertificates', () => {
  const pki = createTestPki('ec');
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = (key: typeof ec) => key.publicKey.export({ type: 'spki', format: 'der' });
  const certFor = (key: typeof ec, cn: string) => pki.issue(key.publicKey.export({ type: 'spki', format: 'pem' }).toString(), `/CN=${cn}`);
  const keys = [
    { slot: '9a' as const, spki: spki(rsa) },
    { slot: '9c' as const, spki: spki(ec) },
  ];
  const rsaCert = certFor(rsa, 'rsa');
  const ecCert = certFor(ec, 'ec');

  it('matches by public key, whatever the order', () => {
    expect(matchCertificates(keys, [ecCert, rsaCert])).toEqual([
      { slot: '9c', certificate: ecCert },
      { slot: '9a', certificate: rsaCert },
    ]);
  });

  it('refuses a certificate for a key the card does not hold', () => {
    const stranger = certFor(generateKeyPairSync('ec', { namedCurve: 'P-256' }), 'stranger');
    expect(() => matchCertificates(keys, [rsaCert, stranger])).toThrow(expect.objectContaining({ code: 'ISSUANCE_CERTIFICATE_NO_KEY' }));
  });

  it('refuses fewer, more, or two certificates for one key', () => {
    expect(() => matchCertificates(keys, [rsaCert])).toThrow(expect.objectContaining({ code: 'ISSUANCE_CERTIFICATE_COUNT' }));
    expect(() => matchCertificates(keys, [rsaCert, ecCert, ecCert])).toThrow(expect.objectContaining({ code: 'ISSUANCE_CERTIFICATE_COUNT' }));
    expect(() => matchCertificates(keys, [rsaCert, certFor(rsa, 'rsa again')])).toThrow(expect.objectContaining({ code: 'ISSUANCE_CERTIFICATE_COUNT' }));
  });

  it('refuses bytes that are not a certificate', () => {
    expect(() => matchCertificates(keys, [rsaCert, Buffer.from('3000', 'hex')])).toThrow(expect.objectContaining({ code: 'ISSUANCE_BAD_CMS' }));
  });
});
