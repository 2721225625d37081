import { describe, expect, it } from 'vitest';
import { keyAlgorithmFromOption } from '../../../src/main/pki';

describe('keyAlgorithmFromOption', () => {
  it.each([
    ['RSA', 2048, 'rsa2048'],
    ['rsa', 2048, 'rsa2048'],
    ['ECDSA_P256', 256, 'eccp256'],
    ['ECDH_P256', 256, 'eccp256'],
    ['ECDSA', 256, 'eccp256'],
    ['ECDH', 256, 'eccp256'],
    ['ECC', 256, 'eccp256'],
    ['EC', 256, 'eccp256'],
    // KeySize 0: the size is in the name (_P256), or the station has always read the name as P-256.
    ['ECDSA_P256', 0, 'eccp256'],
    ['ECDH_P256', 0, 'eccp256'],
    ['ECDSA', 0, 'eccp256'],
    ['ECC', 0, 'eccp256'],
    [' ecc ', 0, 'eccp256'],
  ] as const)('%s %i -> %s', (keyAlgorithmName, keySize, algorithm) => {
    expect(keyAlgorithmFromOption({ keyAlgorithmName, keySize })).toBe(algorithm);
  });

  it.each([
    ['RSA', 1024],
    ['RSA', 4096],
    ['ECDSA_P384', 384],
    ['DSA', 2048],
    // KeySize 0 only for the names above: these say nothing of the size without it.
    ['ECDH', 0],
    ['EC', 0],
    ['ECDSA_P384', 0],
    ['RSA', 0],
  ])('refuses %s %i before any key is made', (keyAlgorithmName, keySize) => {
    expect(() => keyAlgorithmFromOption({ keyAlgorithmName, keySize })).toThrow(expect.objectContaining({ code: 'ISSUANCE_CARD_NOT_ISSUABLE' }));
  });

  it("shows at most 40 characters of CM's algorithm name in the refusal (it goes to the journal, audit and log)", () => {
    const keyAlgorithmName = `X${'Y'.repeat(500)}`;
    let refusal: unknown;
    try {
      keyAlgorithmFromOption({ keyAlgorithmName, keySize: 2048 });
    } catch (err) {
      refusal = err;
    }
    expect(refusal).toMatchObject({ code: 'ISSUANCE_CARD_NOT_ISSUABLE', details: { algorithm: keyAlgorithmName.slice(0, 40) } });
    expect((refusal as Error).message).not.toContain(keyAlgorithmName.slice(0, 41));
  });
});
