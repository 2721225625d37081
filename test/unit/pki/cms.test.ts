import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCmcResponse } from '../../../src/main/pki';
import { StationError } from '../../../src/shared/errors';
import { createTestPki, derToPem, pkiResponse } from '../../support/pki/openssl';
import { removeDir } from '../../support/temp-dir';

// get-certificate-responses.md's sample Pkcs7 (see the fixture's header).
const SAMPLE = readFileSync(new URL('../../fixtures/pki/certificatedata-sample-pkcs7.txt', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => !line.startsWith('#'))
  .join('\r\n');
const SAMPLE_DER = Buffer.from(SAMPLE.replace(/\s/g, ''), 'base64');

function badCms(run: () => unknown): StationError {
  try {
    run();
  } catch (err) {
    if (err instanceof StationError && err.code === 'ISSUANCE_BAD_CMS') return err;
    throw err;
  }
  throw new Error('expected ISSUANCE_BAD_CMS');
}

describe('parseCmcResponse on the pages’ sample', () => {
  it('verifies the CA signature and returns the leaf first, then its chain', () => {
    const { leaf, chain } = parseCmcResponse(SAMPLE);
    expect(new X509Certificate(leaf).subject).toMatch(/CN=Jimaco Brannian \(Aquent LLC\)/);
    expect(chain.map((der) => new X509Certificate(der).subject)).toEqual([
      expect.stringMatching(/CN=MSIT User CA 2/),
      expect.stringMatching(/CN=Microsoft Corporate Root CA/),
    ]);
  });

  it.each([
    ['a byte of the CA signature', SAMPLE_DER.length - 10, 'the CA signature does not verify'],
    // The eContent "Issued" text: the message digest no longer matches.
    ['a byte of the content', SAMPLE_DER.indexOf(Buffer.from('Issued')), 'the message digest does not match the content'],
  ])('refuses the sample with %s changed', (_what, offset, reason) => {
    const copy = Buffer.from(SAMPLE_DER);
    copy[offset] = (copy[offset] ?? 0) ^ 0x01;
    expect(badCms(() => parseCmcResponse(copy.toString('base64'))).details.reason).toBe(reason);
  });

  it('refuses the sample truncated, padded or not base64', () => {
    badCms(() => parseCmcResponse(SAMPLE_DER.subarray(0, SAMPLE_DER.length - 1).toString('base64')));
    badCms(() => parseCmcResponse(Buffer.concat([SAMPLE_DER, Buffer.from([0])]).toString('base64')));
    badCms(() => parseCmcResponse('not base64!'));
    badCms(() => parseCmcResponse(''));
  });

  it('refuses the sample relabelled as another content type', () => {
    const copy = Buffer.from(SAMPLE_DER);
    // id-cct-PKIResponse ...0c 03 -> ...0c 02 (id-cct-PKIData) in the encapsulated content info.
    const oid = Buffer.from('2b06010505070c03', 'hex');
    const at = copy.indexOf(oid);
    copy[at + oid.length - 1] = 0x02;
    expect(badCms(() => parseCmcResponse(copy.toString('base64'))).details.reason).toBe('not a CMC PKIResponse');
  });

  it('any bytes are a result or ISSUANCE_BAD_CMS, never another throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.nat(SAMPLE_DER.length - 1), fc.uint8Array({ minLength: 1, maxLength: 8 }), (random, offset, patch) => {
        for (const input of [Buffer.from(random), Buffer.concat([SAMPLE_DER.subarray(0, offset), patch, SAMPLE_DER.subarray(offset + patch.length)])]) {
          try {
            parseCmcResponse(input.toString('base64'));
          } catch (err) {
            expect(err).toBeInstanceOf(StationError);
            expect((err as StationError).code).toBe('ISSUANCE_BAD_CMS');
          }
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('parseCmcResponse on responses signed by openssl', () => {
  const pki = createTestPki('ec');
  afterAll(() => removeDir(pki.dir));
  const key = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const leaf = pki.issue(key.publicKey.export({ type: 'spki', format: 'pem' }).toString(), '/CN=Ada Lovelace');

  it('accepts an ECDSA-signed success response with extra signed attributes', () => {
    const cms = pki.signCmc(pkiResponse(0, 'Issued'), [derToPem(leaf)]);
    const result = parseCmcResponse(cms.toString('base64'));
    expect(result.leaf).toEqual(leaf);
    expect(result.chain).toHaveLength(1);
  });

  it('refuses a response whose CMC status is failed (2), keeping the CA’s text', () => {
    const cms = pki.signCmc(pkiResponse(2, 'Denied by policy'), [derToPem(leaf)]);
    const error = badCms(() => parseCmcResponse(cms.toString('base64')));
    expect(error.details).toMatchObject({ reason: 'the CA did not answer success', cmcStatus: 2, statusString: 'Denied by policy' });
  });

  it('finds the signer named by its subject key identifier, and refuses it when that certificate is missing', () => {
    const cms = pki.signCmc(pkiResponse(0, 'Issued'), [derToPem(leaf)], { bySubjectKeyIdentifier: true });
    expect(parseCmcResponse(cms.toString('base64')).leaf).toEqual(leaf);
    const without = pki.signCmc(pkiResponse(0, 'Issued'), [derToPem(leaf)], { bySubjectKeyIdentifier: true, withoutSignerCertificate: true });
    expect(badCms(() => parseCmcResponse(without.toString('base64'))).details.reason).toBe('the signer’s certificate is not in the response');
  });

  it('refuses a response that does not carry its signer’s certificate', () => {
    const cms = pki.signCmc(pkiResponse(0, 'Issued'), [derToPem(leaf)], { withoutSignerCertificate: true });
    expect(badCms(() => parseCmcResponse(cms.toString('base64'))).details.reason).toBe('the signer’s certificate is not in the response');
  });

  it('refuses a response with two end-entity certificates', () => {
    const second = pki.issue(
      generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      '/CN=Someone Else',
    );
    const cms = pki.signCmc(pkiResponse(0, 'Issued'), [derToPem(leaf), derToPem(second)]);
    expect(badCms(() => parseCmcResponse(cms.toString('base64'))).details.reason).toBe('not exactly one end-entity certificate');
  });
});
