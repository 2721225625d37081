import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seedDirectory, seedGuid, type CmSimulator } from '../../../src/main/training/cm-sim';
import { ATR, cardKeyAndCsr, openssl } from './execution-helpers';
import { http, startSim, tempDir } from './harness';

/**
 * Key history from the simulator (get-certificate-responses.md: isKeyHistory "a key history
 * certificate", isPfx / Pfx, pfxpassword "used to protect any PFX results", "the number of
 * certificate responses can exceed the number of requests"; get-user-certificates.md ArchivedOnCa):
 * the archived-key training template's CA archives every encryption key it makes, and an Enroll on
 * it recovers the user's earlier ones, each in a PKCS#12 judged by `openssl pkcs12`.
 */

const EMIL = seedGuid('request/enroll-emil-archived-key');
const EMIL_USER = seedGuid('user/emil');
const TEMPLATE = seedGuid('template/staff-archived-key');
const PASSWORD = 'kH3-Zq9_wPm2Lx7Rb4tNe8Cs';

/** Binds a new card to `request` and sends one card request: CM's answer entries. */
async function execute(sim: CmSimulator, request: string, cardId: string): Promise<Array<Record<string, unknown>>> {
  expect((await http(sim, 'POST', 'smartcards', { requestid: request, cardid: cardId, atr: ATR })).status).toBe(201);
  const { csr } = await cardKeyAndCsr();
  const answer = await http(sim, 'POST', `requests/${request}/certificatedata`, { pfxpassword: PASSWORD, certificaterequests: [csr], comments: '' });
  expect(answer.status, answer.body).toBe(200);
  return JSON.parse(answer.body) as Array<Record<string, unknown>>;
}

/** The PFX opened by openssl with the password: its key and certificate, checked to belong together. */
function openPfx(dir: string, name: string, pfx: unknown) {
  const file = join(dir, `${name}.p12`);
  writeFileSync(file, Buffer.from(pfx as string, 'base64'));
  expect(openssl(['pkcs12', '-in', file, '-passin', 'pass:not the password', '-noout']).status).not.toBe(0);
  const keyPem = openssl(['pkcs12', '-in', file, '-passin', `pass:${PASSWORD}`, '-nocerts', '-nodes']);
  const certPem = openssl(['pkcs12', '-in', file, '-passin', `pass:${PASSWORD}`, '-clcerts', '-nokeys']);
  expect(keyPem.status, keyPem.stderr).toBe(0);
  expect(certPem.status, certPem.stderr).toBe(0);
  const certificate = new X509Certificate(certPem.stdout);
  const key = createPrivateKey(keyPem.stdout);
  expect(createPublicKey(key).export({ type: 'spki', format: 'der' })).toEqual(certificate.publicKey.export({ type: 'spki', format: 'der' }));
  return { certificate, key };
}

describe('key history from the simulator', () => {
  it('an Enroll on the archived-key template returns the user’s archived key as isKeyHistory, isPfx, Pfx, after the new ones', async () => {
    const dir = await tempDir();
    const sim = await startSim();
    const entries = await execute(sim, EMIL, '5c1f2a8e-94b3-4d0f-a1e7-3b6c9d2e8f41');
    expect(entries.map((e) => [e.TemplateCommonName, e.isPkcs7, e.isServerGenerated, e.isKeyHistory])).toEqual([
      ['StationTrainingStaffLogon', true, false, false],
      ['StationTrainingStaffEncryption', false, true, false],
      ['StationTrainingStaffEncryption', false, false, true],
    ]);
    expect(entries[2]).toMatchObject({ Error: null, Pkcs7: null, isPfx: true, isPkcs7: false, IsExternal: false });
    const earlier = openPfx(dir, 'history', entries[2]!.Pfx);
    const current = openPfx(dir, 'current', entries[1]!.Pfx);
    // The training directory's archived key: made by the CA the first time it is recovered, dated when it was archived.
    expect(new Date(earlier.certificate.validFrom).toISOString()).toBe('2025-03-04T09:30:00.000Z');
    expect(earlier.certificate.issuer).toBe(current.certificate.issuer);
    expect(earlier.certificate.serialNumber).not.toBe(current.certificate.serialNumber);
    // The archive now holds both (the new key too), with their material, for the next recovery.
    const archive = sim.admin.state().archivedKeys ?? [];
    expect(archive.map((k) => [k.UserUuid, k.ProfileTemplateUuid, k.RequestUuid === EMIL, k.Certificate !== null])).toEqual([
      [EMIL_USER, TEMPLATE, false, true],
      [EMIL_USER, TEMPLATE, true, true],
    ]);
  });

  it('a second Enroll for the same person recovers both earlier keys (the one archived by the first), the same key as before', async () => {
    const dir = await tempDir();
    const seed = seedDirectory();
    const second = seedGuid('request/enroll-emil-archived-key-again');
    seed.requests.push({ ...seed.requests.find((r) => r.Uuid === EMIL)!, Uuid: second });
    const sim = await startSim({ seed });
    const first = await execute(sim, EMIL, '5c1f2a8e-94b3-4d0f-a1e7-3b6c9d2e8f42');
    const firstEarlier = openPfx(dir, 'first-earlier', first[2]!.Pfx);
    const firstCurrent = openPfx(dir, 'first-current', first[1]!.Pfx);
    const entries = await execute(sim, second, '5c1f2a8e-94b3-4d0f-a1e7-3b6c9d2e8f43');
    expect(entries.map((e) => e.isKeyHistory)).toEqual([false, false, true, true]);
    const recovered = [openPfx(dir, 'again-0', entries[2]!.Pfx), openPfx(dir, 'again-1', entries[3]!.Pfx)];
    expect(recovered.map((r) => r.certificate.serialNumber)).toEqual([firstEarlier.certificate.serialNumber, firstCurrent.certificate.serialNumber]);
    expect(recovered[1]!.key.export({ type: 'pkcs8', format: 'der' })).toEqual(firstCurrent.key.export({ type: 'pkcs8', format: 'der' }));
  });

  it('keeps the archive across a restart, in a data file only its owner reads (it holds private keys)', async () => {
    const dataFile = join(await tempDir(), 'cm.json');
    const first = await startSim({ dataFile });
    const entries = await execute(first, EMIL, '5c1f2a8e-94b3-4d0f-a1e7-3b6c9d2e8f45');
    await first.close();
    expect(statSync(dataFile).mode & 0o777).toBe(0o600);
    const second = await startSim({ dataFile });
    const archive = second.admin.state().archivedKeys ?? [];
    expect(archive).toHaveLength(2);
    const dir = await tempDir();
    const recovered = openPfx(dir, 'kept', entries[2]!.Pfx);
    expect(new X509Certificate(Buffer.from(archive[0]!.Certificate!, 'base64')).serialNumber).toBe(recovered.certificate.serialNumber);
  });

  it('recovers nothing on the other templates, and nothing for a person with no archived key', async () => {
    const sim = await startSim();
    const entries = await execute(sim, seedGuid('request/enroll-alice'), '5c1f2a8e-94b3-4d0f-a1e7-3b6c9d2e8f44');
    expect(entries.map((e) => e.isKeyHistory)).toEqual([false]);
    expect(sim.admin.state().archivedKeys?.filter((k) => k.Certificate !== null)).toEqual([]);
  });
});
