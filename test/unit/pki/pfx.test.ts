import { createPrivateKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { decodePfx } from '../../../src/main/pki';
import { rc2CbcDecrypt } from '../../../src/main/pki/rc2';
import { StationError } from '../../../src/shared/errors';
import { createTestPki, derToPem, openssl } from '../../support/pki/openssl';
import { removeDir } from '../../support/temp-dir';

const pki = createTestPki('rsa');
afterAll(() => removeDir(pki.dir));
const PASSWORD = '6b75162c-b3b4-4fc1-a653-f12dae98f0c3'; // the pfxpassword of get-certificate-responses.md's sample request

/** `openssl pkcs12 -export` of a fresh key and its certificate (plus the CA), with extra arguments. */
function exportPfx(keyType: 'rsa' | 'ec', extra: readonly string[]) {
  const key = keyType === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const certificate = pki.issue(key.publicKey.export({ type: 'spki', format: 'pem' }).toString(), '/CN=Server Generated');
  const name = `export-${Math.random().toString(16).slice(2)}`;
  writeFileSync(join(pki.dir, `${name}.key`), key.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(join(pki.dir, `${name}.pem`), derToPem(certificate));
  openssl(
    [
      'pkcs12',
      '-export',
      '-inkey',
      `${name}.key`,
      '-in',
      `${name}.pem`,
      '-certfile',
      'ca.pem',
      '-passout',
      `pass:${PASSWORD}`,
      '-out',
      `${name}.p12`,
      ...extra,
    ],
    {
      cwd: pki.dir,
    },
  );
  return { pfx: readFileSync(join(pki.dir, `${name}.p12`)).toString('base64'), key: key.privateKey, certificate };
}

function pfxError(run: () => unknown): StationError {
  try {
    run();
  } catch (err) {
    if (err instanceof StationError && err.code === 'ISSUANCE_BAD_PFX') return err;
    throw err;
  }
  throw new Error('expected ISSUANCE_BAD_PFX');
}

describe('decodePfx', () => {
  it.each([
    ['the OpenSSL 3 default (PBES2: PBKDF2 + AES-256-CBC, SHA-256 MAC)', 'rsa' as const, []],
    [
      'pbeWithSHAAnd3-KeyTripleDES-CBC for key and certificates, SHA-1 MAC',
      'rsa' as const,
      ['-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES', '-macalg', 'sha1'],
    ],
    ['a P-256 key, PBES2 with AES-128 and 3DES certificates', 'ec' as const, ['-keypbe', 'AES-128-CBC', '-certpbe', 'PBE-SHA1-3DES']],
    ['unencrypted certificates (-certpbe NONE)', 'ec' as const, ['-certpbe', 'NONE']],
    // -legacy: RC2-40 certificates, 3DES key, SHA-1 MAC (as Windows exports); RC2 is decrypted by the station itself.
    ['openssl -legacy (pbeWithSHAAnd40BitRC2-CBC certificates, 3DES key)', 'rsa' as const, ['-legacy']],
    ['pbeWithSHAAnd128BitRC2-CBC certificates', 'ec' as const, ['-legacy', '-certpbe', 'PBE-SHA1-RC2-128']],
  ])('opens %s', (_what, keyType, extra) => {
    const made = exportPfx(keyType, extra);
    const contents = decodePfx(made.pfx, PASSWORD);
    expect(contents.certificate).toEqual(made.certificate);
    const decoded = createPrivateKey({ key: contents.privateKeyPkcs8, format: 'der', type: 'pkcs8' });
    expect(decoded.export({ format: 'jwk' })).toEqual(made.key.export({ format: 'jwk' }));
    expect(contents.others).toHaveLength(1);
  });

  it('says the password is wrong (checked by the MAC before decrypting anything)', () => {
    const made = exportPfx('ec', []);
    expect(pfxError(() => decodePfx(made.pfx, 'not the password')).details.reason).toBe('wrong password or damaged file');
  });

  it('refuses a file without its certificate and any bytes that are not a PKCS#12', () => {
    const name = 'nocert';
    writeFileSync(join(pki.dir, `${name}.key`), generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    openssl(['pkcs12', '-export', '-nocerts', '-inkey', `${name}.key`, '-passout', `pass:${PASSWORD}`, '-out', `${name}.p12`], { cwd: pki.dir });
    expect(pfxError(() => decodePfx(readFileSync(join(pki.dir, `${name}.p12`)).toString('base64'), PASSWORD)).details.reason).toBe(
      'no certificate for the private key',
    );
    const sample = Buffer.from(exportPfx('ec', []).pfx, 'base64');
    fc.assert(
      fc.property(fc.nat(sample.length - 1), fc.uint8Array({ minLength: 1, maxLength: 4 }), (offset, patch) => {
        const copy = Buffer.concat([sample.subarray(0, offset), patch, sample.subarray(offset + patch.length)]);
        try {
          decodePfx(copy.toString('base64'), PASSWORD);
        } catch (err) {
          expect(err).toBeInstanceOf(StationError);
          expect((err as StationError).code).toBe('ISSUANCE_BAD_PFX');
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('rc2CbcDecrypt', () => {
  it.each([
    ['rc2-40-cbc', 5],
    ['rc2-64-cbc', 8],
    ['rc2-cbc', 16],
  ])('decrypts what openssl enc -%s (legacy provider) encrypts', (cipher, keyLength) => {
    const key = randomBytes(keyLength);
    const iv = randomBytes(8);
    const plain = randomBytes(77);
    const encrypted = openssl(['enc', `-${cipher}`, '-K', key.toString('hex'), '-iv', iv.toString('hex'), '-provider', 'legacy', '-provider', 'default'], {
      input: plain,
    });
    expect(rc2CbcDecrypt(key, keyLength * 8, iv, encrypted)).toEqual(plain);
    expect(() => rc2CbcDecrypt(key, keyLength * 8, iv, encrypted.subarray(1))).toThrow();
  });
});
