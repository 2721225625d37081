// describeCertificate (src/main/issuance/adapters.ts): the facts of a certificate CM issued that the
// result screen shows and the journal keeps, judged on real certificates made by OpenSSL.
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeCertificate } from '../../../src/main/issuance/adapters';
import { createTestPki, openssl } from '../../support/pki/openssl';
import { removeDir, testTempDir } from '../../support/temp-dir';

const pki = createTestPki('ec');
afterAll(() => removeDir(pki.dir));

/** A certificate the test CA issued for a new P-256 key, with the key. */
function issued() {
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const der = pki.issue(key.publicKey.export({ type: 'spki', format: 'pem' }).toString(), '/CN=Ada Lovelace/O=Example');
  return { key, der };
}

describe('describeCertificate', () => {
  it('gives subject and issuer on one line, the serial in lower-case hex, the expiry and the public key', () => {
    const { key, der } = issued();
    const facts = describeCertificate(der);
    expect(facts).toMatchObject({ subject: 'CN=Ada Lovelace, O=Example', issuer: 'CN=Station Test CA' });
    expect(facts.der).toBe(der);
    expect(facts.publicKey.equals(key.publicKey.export({ type: 'spki', format: 'der' }))).toBe(true);
    const cert = new X509Certificate(der);
    expect(facts.serialNumber).toBe(cert.serialNumber.toLowerCase());
    expect(facts.serialNumber).toMatch(/^[0-9a-f]+$/);
    expect(facts.notAfter).toBe(new Date(cert.validTo).toISOString());
    expect(Date.parse(facts.notAfter)).toBeGreaterThan(Date.now());
  });

  it('writes a serial with hex letters in lower case (X509Certificate gives it in upper case)', () => {
    const dir = testTempDir('describe-certificate-');
    openssl(
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        'key.pem',
        '-subj',
        '/CN=Ada Lovelace/O=Example',
        '-set_serial',
        '0xA1B2C3D4E5F6',
        '-days',
        '2',
        '-outform',
        'DER',
        '-out',
        'cert.der',
      ],
      { cwd: dir },
    );
    const der = readFileSync(join(dir, 'cert.der'));
    expect(new X509Certificate(der).serialNumber).toBe('A1B2C3D4E5F6');
    expect(describeCertificate(der)).toMatchObject({
      serialNumber: 'a1b2c3d4e5f6',
      subject: 'CN=Ada Lovelace, O=Example',
      issuer: 'CN=Ada Lovelace, O=Example',
    });
  });

  it('takes the facts from `opened` (the certificate the PKI code already parsed) when given', () => {
    const { der } = issued();
    const opened = new X509Certificate(der);
    expect(describeCertificate(der, opened)).toEqual(describeCertificate(der));
    // Not parsed again: DER that would not parse is not looked at.
    const facts = describeCertificate(Buffer.from('not a certificate'), opened);
    expect(facts.subject).toBe('CN=Ada Lovelace, O=Example');
  });

  it('refuses a certificate that does not parse as ISSUANCE_BAD_CMS', () => {
    expect(() => describeCertificate(Buffer.from('not a certificate'))).toThrow(expect.objectContaining({ code: 'ISSUANCE_BAD_CMS' }));
  });
});
