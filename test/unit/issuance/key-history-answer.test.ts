// CM's certificatedata answer with key history, read by the station's real adapters (cm/execution.ts
// parseCertificateData, pki/ PFX reader): the wire shape is get-certificate-responses.md's example
// (test/fixtures/cm-execution/certificate-data.json, verbatim), with a second Certificate object carrying
// the flags the page lists (isKeyHistory, isPfx, Pfx) and a PFX the CM simulator writes.
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createIssuancePorts } from '../../../src/main/issuance/adapters';
import { openSimCa } from '../../../src/main/training/cm-sim/execution/ca';
import { writePfx } from '../../../src/main/training/cm-sim/execution/pfx-writer';
import * as x509 from '../../../src/main/training/cm-sim/execution/x509';

const page = JSON.parse(readFileSync(join(import.meta.dirname, '../../fixtures/cm-execution/certificate-data.json'), 'utf8')) as {
  response: { body: string };
};
const PASSWORD = 'Wd2-kLp8_Zr4Nq6Xt1Vc9Bm3';

async function recoveredKey() {
  const ca = await openSimCa(null);
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const leaf = await ca.issue({
    publicKey: new x509.PublicKey(pair.publicKey.export({ type: 'spki', format: 'der' })),
    subject: [{ CN: ['Emil Lindqvist'] }],
    upn: null,
    keyUsages: 1,
    validFrom: new Date('2025-03-04T09:30:00Z'),
  });
  return { leaf, pfx: writePfx(pair.privateKey.export({ type: 'pkcs8', format: 'der' }), leaf.der, PASSWORD) };
}

async function realPki() {
  const ports = createIssuancePorts({} as Parameters<typeof createIssuancePorts>[0], {} as Parameters<typeof createIssuancePorts>[1]);
  await ports.prepare?.();
  return ports.pki;
}

describe('certificatedata with a key history entry, through the real adapters', () => {
  it('an entry with isKeyHistory and its Pfx is key history with the PFX; the PFX opens with the password, key and certificate paired', async () => {
    const [example] = JSON.parse(page.response.body) as Array<Record<string, unknown>>;
    const { leaf, pfx } = await recoveredKey();
    const history = { ...example, TemplateCommonName: 'StaffEncryption', Pkcs7: null, Pfx: pfx, isPfx: true, isPkcs7: false, isKeyHistory: true };
    const pki = await realPki();
    const entries = pki.readCertificateData(JSON.stringify([example, history]));
    expect(entries.map((e) => e.kind)).toEqual(['issued', 'key-history']);
    const entry = entries[1]!;
    if (entry.kind !== 'key-history') throw new Error('not key history');
    expect(entry.template).toBe('StaffEncryption');
    expect(entry.pfx).not.toBeNull();
    const opened = pki.openPfx(entry.pfx!, PASSWORD);
    expect(opened.certificate.serialNumber).toBe(new X509Certificate(leaf.der).serialNumber.toLowerCase());
    expect(opened.keyUsages & 1).toBe(1);
    expect(() => pki.openPfx(entry.pfx!, 'another password')).toThrow(expect.objectContaining({ code: 'ISSUANCE_BAD_PFX' }));
  });

  it('an entry with isKeyHistory and no Pfx (a certificate only) is key history without a key', async () => {
    const [example] = JSON.parse(page.response.body) as Array<Record<string, unknown>>;
    const certificateOnly = { ...example, isKeyHistory: true };
    const pki = await realPki();
    const entries = pki.readCertificateData(JSON.stringify([example, certificateOnly]));
    expect(entries.map((e) => [e.kind, 'pfx' in e ? e.pfx : 'n/a'])).toEqual([
      ['issued', 'n/a'],
      ['key-history', null],
    ]);
  });
});
