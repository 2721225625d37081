// The whole station in training mode issuing a template whose encryption key CM generates: the
// simulator returns it as a PFX protected with the pfxpassword the station sent, and the station
// imports it into the virtual YubiKey's 9D (Key Management) next to the logon key it generated in 9A.
import { constants, publicEncrypt, X509Certificate } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CardPivSession } from '../../../src/main/pcsc/piv';
import { seedGuid } from '../../../src/main/training/cm-sim';
import { startTestStation, type TestStation } from '../../support/test-station';
import { ISSUANCE_TUNING, issueFactoryCard, withCardSession } from './station-support';
import { profilesWithArchivedKeyFor } from '../../support/archived-key-profiles';
import { testTempDir } from '../../support/temp-dir';

const ALICE = seedGuid('request/enroll-alice');
/** Alice's request is on Staff Smart Card Logon in the training directory; here it issues the archived-key template. */
const STAFF = 'b5a8351e-3ff8-542f-8ec8-7adc37cc4374';
const NEW_PIN = '5318642';

/**
 * What a host sends a PIV key to decrypt (raw RSA in GENERAL AUTHENTICATE): a PKCS#1 v1.5 type 2
 * block holding `secret`, encrypted to the certificate's key; the card's private key opens it.
 */
function encryptedTo(cert: X509Certificate, secret: Buffer): Buffer {
  const block = Buffer.concat([Buffer.from([0, 2]), Buffer.alloc(256 - 3 - secret.length, 0x5a), Buffer.from([0]), secret]);
  return publicEncrypt({ key: cert.publicKey, padding: constants.RSA_NO_PADDING }, block);
}

// Closed here, before a test's own data folder (testTempDir) goes: onTestFinished runs after afterEach.
let t: TestStation | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

// A whole issuance (RSA key generation on the virtual card and in the simulator's CA) waits up to
// 30 s for its events (issuanceIn): the test's own limit is no shorter than those waits (vitest's default is 5 s).
describe('desk issuance of a key CM generates (PFX), whole station in training mode', { timeout: 30_000 }, () => {
  it('imports the key into 9D with its certificate; the card decrypts with it; the password is in no file', async () => {
    // A data folder the test keeps: it is searched once the station has stopped writing to it.
    const dataDir = testTempDir('station-server-key-');
    const s = (t = await startTestStation(
      { ...ISSUANCE_TUNING, dataDir },
      { policy: { issueAtDesk: 'always' }, sim: { executionProfiles: profilesWithArchivedKeyFor(STAFF) } },
    ));
    const result = await issueFactoryCard(s, ALICE, NEW_PIN, 30_000);
    expect(result.phase, JSON.stringify(result)).toBe('done');
    if (result.phase !== 'done') return;
    expect(result.certificates.map((c) => [c.slot, c.template])).toEqual([
      ['9a', 'StationTrainingStaffLogon'],
      ['9d', 'StationTrainingStaffEncryption'],
    ]);

    // The PFX's certificate is the one CM issued second (the simulator's record), and it is in 9D.
    const serials = s.cm.admin.state().issuances?.find((i) => i.RequestUuid === ALICE)?.CertificateSerials ?? [];
    expect(serials).toHaveLength(2);
    const secret = Buffer.from('a message only the key CM made can open');
    const { certificate, plain } = await withCardSession(s, async (session) => {
      const der = await session.readCertificate('9d');
      const cert = new X509Certificate(der!);
      const encrypted = encryptedTo(cert, secret);
      await session.verifyPin(NEW_PIN);
      return { certificate: cert, plain: await session.sign('9d', 'rsa2048', encrypted) };
    });
    expect(certificate.serialNumber.toLowerCase()).toBe(serials[1]);
    expect(result.certificates[1]!.serialNumber).toBe(serials[1]);
    expect(plain.subarray(plain.length - secret.length).equals(secret)).toBe(true);
    const { issuing } = await s.cm.admin.caCertificates();
    expect(certificate.verify(new X509Certificate(issuing).publicKey)).toBe(true);

    // The pfxpassword the station sent is in no file of the data folder (the journal keeps the raw answer only).
    const sent = s.cm.admin.received().find((r) => r.path.endsWith('/certificatedata'));
    const password = (JSON.parse(sent!.body) as { pfxpassword: string }).pfxpassword;
    expect(password.length).toBeGreaterThanOrEqual(24);
    // Stopped first: files written in the background (the audit anchor's temp file, the log) are not
    // renamed or rolled between the listing and the reading.
    await s.close();
    t = null;
    const files = readdirSync(dataDir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => readFileSync(join(entry.parentPath, entry.name)).toString('latin1'));
    // The raw answer (the PFX, protected) is on disk: the journal kept it before the card was written.
    expect(files.some((text) => text.includes('StationTrainingStaffEncryption'))).toBe(true);
    for (const text of files) expect(text).not.toContain(password);
  });

  it('key history: Emil’s training request recovers her archived key into retired slot 82 with its certificate and the Key History object; the card decrypts with it', async () => {
    // The training directory as it is: Emil's Enroll on the archived-key template, her earlier key archived by the CA.
    const EMIL = seedGuid('request/enroll-emil-archived-key');
    const s = (t = await startTestStation(ISSUANCE_TUNING, { policy: { issueAtDesk: 'always' } }));
    const result = await issueFactoryCard(s, EMIL, NEW_PIN, 30_000);
    expect(result.phase, JSON.stringify(result)).toBe('done');
    if (result.phase !== 'done') return;
    expect(result.certificates.map((c) => [c.slot, c.template])).toEqual([
      ['9a', 'StationTrainingStaffLogon'],
      ['9d', 'StationTrainingStaffEncryption'],
      ['82', 'StationTrainingStaffEncryption'],
    ]);
    // The archive's earlier key (the one the simulator recovered) is the one in 82.
    const earlier = s.cm.admin.state().archivedKeys?.find((k) => k.RequestUuid === '00000000-0000-0000-0000-000000000000');
    const archivedCertificate = new X509Certificate(Buffer.from(earlier!.Certificate!, 'base64'));
    const secret = Buffer.from('mail sent to the key of an earlier card');
    const { certificate, history, plain } = await withCardSession(s, async (session) => {
      const der = await session.readCertificate('82');
      const cert = new X509Certificate(der!);
      const encrypted = encryptedTo(cert, secret);
      await session.verifyPin(NEW_PIN);
      // GENERAL AUTHENTICATE 07 82 (the retired slot's key): 7C { 82 empty, 81 <block> }.
      const reply = await (session as CardPivSession).send({
        ins: 0x87,
        p1: 0x07,
        p2: 0x82,
        data: Buffer.concat([Buffer.from('7c820106820081820100', 'hex'), encrypted]),
        le: true,
      });
      expect(reply.sw).toBe(0x9000);
      return { certificate: cert, history: await session.readKeyHistory(), plain: reply.data };
    });
    expect(certificate.serialNumber).toBe(archivedCertificate.serialNumber);
    expect(result.certificates[2]!.serialNumber.toLowerCase()).toBe(archivedCertificate.serialNumber.toLowerCase());
    expect(history).toEqual({ onCardCertificates: 1, offCardCertificates: 0 });
    expect(plain.subarray(plain.length - secret.length).equals(secret)).toBe(true);
  });
});
