import { createPrivateKey, randomBytes, webcrypto, type KeyObject } from 'node:crypto';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import * as x509 from './x509';
import { z } from 'zod';
import { StationError } from '../../../../shared/errors';

/**
 * The simulator's throw-away certification authority: a root and an issuing CA (ECDSA P-256), made
 * the first time a certificate is asked for and kept in the simulator's data folder, so training
 * certificates keep verifying across restarts. Training only: its keys are plain files (mode 0600)
 * and it issues to anyone the simulated CM approves. Nothing here is a real CA's policy.
 */

const CA_FILE = 'cm-sim-ca.json';
const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;
const DAY_MS = 24 * 3600 * 1000;

const storedCaSchema = z.object({
  note: z.string(),
  root: z.object({ certificate: z.string(), pkcs8: z.string() }),
  issuing: z.object({ certificate: z.string(), pkcs8: z.string() }),
});
type StoredCa = z.infer<typeof storedCaSchema>;

export interface IssuedLeaf {
  der: Buffer;
  serialHex: string;
}

export interface LeafRequest {
  publicKey: x509.PublicKey;
  subject: x509.JsonName;
  /** A user principal name for the SAN (smart card logon reads it). */
  upn: string | null;
  /** Windows EnrollKeyUsages of the option: 1 decryption, 2 signing, 3 both. */
  keyUsages: number;
  /** When the year of validity starts (a key archived earlier); now when absent. */
  validFrom?: Date;
}

export interface SimCa {
  root: Buffer;
  issuing: Buffer;
  /** For signing the CMC response (node:crypto signs ECDSA in DER, as CMS wants). */
  issuingKey: KeyObject;
  issue(request: LeafRequest): Promise<IssuedLeaf>;
}

const crypto = webcrypto;
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

/** A positive serial: 16 random bytes, top bit cleared (RFC 5280 4.1.2.2). */
function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString('hex');
}

async function makeCa(): Promise<StoredCa> {
  const now = Date.now();
  const rootKeys = (await crypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const issuingKeys = (await crypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const root = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: 'CN=Enrollment Station Training Root CA, O=Training (not a real CA)',
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + 20 * 365 * DAY_MS),
    keys: rootKeys,
    signingAlgorithm: SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(rootKeys.publicKey),
    ],
  });
  const issuing = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: 'CN=Enrollment Station Training Issuing CA, O=Training (not a real CA)',
    issuer: root.subject,
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + 10 * 365 * DAY_MS),
    publicKey: issuingKeys.publicKey,
    signingKey: rootKeys.privateKey,
    signingAlgorithm: SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(issuingKeys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(rootKeys.publicKey),
    ],
  });
  const pkcs8 = async (key: webcrypto.CryptoKey) => Buffer.from(await crypto.subtle.exportKey('pkcs8', key)).toString('base64');
  return {
    note: 'Throw-away training CA of the Enrollment Station CM simulator. Not a real CA; delete this file to make a new one.',
    root: { certificate: Buffer.from(root.rawData).toString('base64'), pkcs8: await pkcs8(rootKeys.privateKey) },
    issuing: { certificate: Buffer.from(issuing.rawData).toString('base64'), pkcs8: await pkcs8(issuingKeys.privateKey) },
  };
}

async function loadOrMake(dir: string | null): Promise<StoredCa> {
  if (dir === null) return makeCa();
  const file = join(dir, CA_FILE);
  try {
    const parsed = storedCaSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    if (parsed.success) return parsed.data;
    throw new StationError('STORAGE_CORRUPT', 'The CM simulator CA file is damaged; delete it to make a new training CA.', { file });
  } catch (err) {
    if (err instanceof StationError) throw err;
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new StationError('STORAGE_CORRUPT', 'The CM simulator CA file is damaged; delete it to make a new training CA.', { file });
    }
  }
  const made = await makeCa();
  await mkdir(dir, { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  const handle = await open(temp, 'w', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(made, null, 2)}\n`, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, file);
  return made;
}

/** Extended key usages by the option's key usage (invented for training; a real CA takes them from its template). */
function usagesOf(keyUsages: number): { flags: number; eku: string[] } {
  const clientAuth = '1.3.6.1.5.5.7.3.2';
  const smartcardLogon = '1.3.6.1.4.1.311.20.2.2';
  const emailProtection = '1.3.6.1.5.5.7.3.4';
  const { digitalSignature, keyEncipherment, nonRepudiation } = x509.KeyUsageFlags;
  const signing = (keyUsages & 2) !== 0;
  const decryption = (keyUsages & 1) !== 0;
  if (signing && decryption) return { flags: digitalSignature | keyEncipherment, eku: [clientAuth, smartcardLogon, emailProtection] };
  if (signing) return { flags: digitalSignature | nonRepudiation, eku: [emailProtection] };
  return { flags: keyEncipherment, eku: [emailProtection] };
}

export async function openSimCa(dir: string | null): Promise<SimCa> {
  const stored = await loadOrMake(dir);
  const issuingPkcs8 = Buffer.from(stored.issuing.pkcs8, 'base64');
  const signingKey = await crypto.subtle.importKey('pkcs8', issuingPkcs8, EC, false, ['sign']);
  const issuingCert = new x509.X509Certificate(Buffer.from(stored.issuing.certificate, 'base64'));
  const issuingPublic = await issuingCert.publicKey.export(crypto);
  return {
    root: Buffer.from(stored.root.certificate, 'base64'),
    issuing: Buffer.from(issuingCert.rawData),
    issuingKey: createPrivateKey({ key: issuingPkcs8, format: 'der', type: 'pkcs8' }),
    async issue(request) {
      const now = Date.now();
      const from = request.validFrom?.getTime() ?? now - 60_000;
      const serialHex = serial();
      const { flags, eku } = usagesOf(request.keyUsages);
      const leaf = await x509.X509CertificateGenerator.create({
        serialNumber: serialHex,
        subject: request.subject,
        issuer: issuingCert.subject,
        notBefore: new Date(from),
        notAfter: new Date(from + 365 * DAY_MS),
        publicKey: request.publicKey,
        signingKey,
        signingAlgorithm: SIGNING,
        extensions: [
          new x509.BasicConstraintsExtension(false, undefined, true),
          new x509.KeyUsagesExtension(flags, true),
          new x509.ExtendedKeyUsageExtension(eku),
          await x509.SubjectKeyIdentifierExtension.create(request.publicKey),
          await x509.AuthorityKeyIdentifierExtension.create(issuingPublic),
          ...(request.upn === null ? [] : [new x509.SubjectAlternativeNameExtension([{ type: 'upn', value: request.upn }])]),
        ],
      });
      return { der: Buffer.from(leaf.rawData), serialHex };
    },
  };
}
