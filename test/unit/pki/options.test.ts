import { describe, expect, it } from 'vitest';
import { keyAlgorithmFromOption } from '../../../src/main/pki';

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
