import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { describeCertificate, keyAlgorithmFromOption } from '../../../src/main/pki';
import { issuedCertificateSchema } from '../../../src/shared/issuance';
import { createTestPki } from '../../support/pki/openssl';

describe('keyAlgorithmFromOption', () => {
  it.each([
    ['RSA', 2048, 'rsa2048'],
    ['rsa', 2048, 'rsa2048'],
    ['ECDSA_P256', 256, 'eccp256'],
    ['ECDH_P256', 256, 'eccp256'],
  ] as const)('%s %i -> %s', (keyAlgorithmName, keySize, algorithm) => {
    expect(keyAlgorithmFromOption({ keyAlgorithmName, keySize })).toBe(algorithm);
  });

  it.each([
    ['RSA', 1024],
    ['RSA', 4096],
    ['ECDSA_P384', 384],
    ['DSA', 2048],
  ])('refuses %s %i before any key is made', (keyAlgorithmName, keySize) => {
    expect(() => keyAlgorithmFromOption({ keyAlgorithmName, keySize })).toThrow(expect.objectContaining({ code: 'ISSUANCE_CARD_NOT_ISSUABLE' }));
  });
});

describe('describeCertificate', () => {
  it('gives the result screen subject, issuer, serial and expiry in the contract shape', () => {
    const pki = createTestPki('ec');
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const der = pki.issue(key.publicKey.export({ type: 'spki', format: 'pem' }).toString(), '/CN=Ada Lovelace/O=Example');
    const described = describeCertificate(der, '9a', 'SmartcardLogon');
    expect(issuedCertificateSchema.parse(described)).toEqual(described);
    expect(described).toMatchObject({ slot: '9a', subject: 'CN=Ada Lovelace, O=Example', issuer: 'CN=Station Test CA', template: 'SmartcardLogon' });
    expect(described.serialNumber).toMatch(/^[0-9a-f]+$/);
    expect(Date.parse(described.notAfter)).toBeGreaterThan(Date.now());
  });
});
