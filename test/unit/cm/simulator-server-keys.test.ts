import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seedGuid } from '../../../src/main/training/cm-sim';
import { profilesWithArchivedKeyFor } from '../../support/archived-key-profiles';
import { ATR, cardKeyAndCsr, openssl, opensslVerify } from './execution-helpers';
import { http, startSim, tempDir } from './harness';

/**
 * A template whose encryption key CM makes itself (get-certificate-responses.md: "Some profile
 * templates can be configured to generate keys/requests on the server"; the Certificate object's
 * Pfx / isPfx / isServerGenerated; pfxpassword "used to protect any PFX results"), judged by
 * `openssl pkcs12`. The training directory's request for Alice is pointed at that template here.
 */

const ALICE = seedGuid('request/enroll-alice');
const STAFF = 'b5a8351e-3ff8-542f-8ec8-7adc37cc4374';
const CARD_ID = '5c1f2a8e-94b3-4d0f-a1e7-3b6c9d2e8f40';
const PASSWORD = 'Zs8-pW_q3NmYx0c4Rb7tKe1A';

describe('a server-generated key (PFX) from the simulator', () => {
  it('comes as a PKCS#12 that openssl opens with the pfxpassword sent (not with another), holding a decryption key and its certificate from the training CA', async () => {
    const dir = await tempDir();
    const sim = await startSim({ executionProfiles: profilesWithArchivedKeyFor(STAFF) });
    expect((await http(sim, 'POST', 'smartcards', { requestid: ALICE, cardid: CARD_ID, atr: ATR })).status).toBe(201);
    const options = JSON.parse((await http(sim, 'GET', `requests/${ALICE}/certificaterequestgenerationoptions`)).body) as unknown[];
    // The client generates a request for the card key only.
    expect(options).toHaveLength(1);
    const { csr } = await cardKeyAndCsr();
    // No password, no key: the simulator never lets a key go unprotected ([sim]).
    const refused = await http(sim, 'POST', `requests/${ALICE}/certificatedata`, { pfxpassword: '', certificaterequests: [csr], comments: '' });
    expect(refused.status).toBe(500);
    expect(refused.body).toMatch(/needs a pfxpassword/);
    const answer = await http(sim, 'POST', `requests/${ALICE}/certificatedata`, { pfxpassword: PASSWORD, certificaterequests: [csr], comments: '' });
    expect(answer.status).toBe(200);
    const entries = JSON.parse(answer.body) as Array<Record<string, unknown>>;
    // "The number of certificate responses can exceed the number of requests."
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({ isPkcs7: true, isServerGenerated: false, Pfx: null });
    expect(entries[1]).toMatchObject({
      TemplateCommonName: 'StationTrainingStaffEncryption',
      Error: null,
      Pkcs7: null,
      isPfx: true,
      isPkcs7: false,
      isServerGenerated: true,
      isKeyHistory: false,
    });
    const file = join(dir, 'server.p12');
    writeFileSync(file, Buffer.from(entries[1]!.Pfx as string, 'base64'));
    expect(openssl(['pkcs12', '-in', file, '-passin', 'pass:not the password', '-noout']).status).not.toBe(0);
    const keyPem = openssl(['pkcs12', '-in', file, '-passin', `pass:${PASSWORD}`, '-nocerts', '-nodes']);
    expect(keyPem.status, keyPem.stderr).toBe(0);
    const certPem = openssl(['pkcs12', '-in', file, '-passin', `pass:${PASSWORD}`, '-clcerts', '-nokeys']);
    expect(certPem.status, certPem.stderr).toBe(0);
    const certificate = new X509Certificate(certPem.stdout);
    const key = createPrivateKey(keyPem.stdout);
    expect(key.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(
      createPublicKey(key)
        .export({ type: 'spki', format: 'der' })
        .equals(certificate.publicKey.export({ type: 'spki', format: 'der' })),
    ).toBe(true);
    expect(opensslVerify(Buffer.from(certificate.raw), await sim.admin.caCertificates(), dir)).toMatchObject({ ok: true });
    // A decryption certificate: keyEncipherment, not a signing one.
    expect(openssl(['x509', '-in', join(dir, 'leaf.pem'), '-noout', '-ext', 'keyUsage']).stdout).toMatch(/Key Encipherment/);
    expect(sim.admin.state().issuances?.[0]?.CertificateSerials).toHaveLength(2);
  });
});
