import { spawnSync } from 'node:child_process';
import { createCipheriv, webcrypto } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ContentInfo, SignedData } from '@peculiar/asn1-cms';
import { AsnConvert } from '@peculiar/asn1-schema';
import * as x509 from '../../../src/main/training/cm-sim/execution/x509';

/** What the desk-issuance tests share: card-side keys and CSRs, 3DES, and `openssl` as the judge of the CA's output. */

export const FACTORY_9B_KEY = Buffer.from('010203040506070801020304050607080102030405060708', 'hex');
export const ATR = '3bf81300008131fe15597562696b657934d4';

export function tripleDes(key: Buffer, block: Buffer): Buffer {
  const cipher = createCipheriv('des-ede3', key, null).setAutoPadding(false);
  return Buffer.concat([cipher.update(block), cipher.final()]);
}

/** A card's key pair and its PKCS#10 (base64 DER), as the card would sign it. */
export async function cardKeyAndCsr(): Promise<{ csr: string; spki: Buffer }> {
  const keys = (await webcrypto.subtle.generateKey(
    { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    true,
    ['sign', 'verify'],
  )) as webcrypto.CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create(
    { name: 'CN=Card', keys, signingAlgorithm: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } },
    webcrypto as unknown as Parameters<typeof x509.Pkcs10CertificateRequestGenerator.create>[1],
  );
  return { csr: Buffer.from(csr.rawData).toString('base64'), spki: Buffer.from(await webcrypto.subtle.exportKey('spki', keys.publicKey)) };
}

/** Fails loudly, naming the Debian package, when the tool is missing. */
export function openssl(args: string[], input?: Buffer): { status: number; stdout: string; stderr: string } {
  const run = spawnSync('openssl', args, { input, encoding: 'buffer' });
  if (run.error !== undefined) throw new Error(`openssl is required (Debian package "openssl"): ${run.error.message}`);
  return { status: run.status ?? -1, stdout: run.stdout.toString('utf8'), stderr: run.stderr.toString('utf8') };
}

/** `openssl cms -verify -inform DER -noverify`: the signature over the CMC content holds. */
export function cmsSignatureVerifies(der: Buffer, dir: string): { ok: boolean; stderr: string } {
  const file = join(dir, `cms-${Math.random().toString(16).slice(2)}.der`);
  writeFileSync(file, der);
  const run = openssl(['cms', '-verify', '-inform', 'DER', '-in', file, '-noverify', '-binary', '-out', join(dir, 'content.der')]);
  return { ok: run.status === 0, stderr: run.stderr };
}

export function cmsPrint(der: Buffer): string {
  return openssl(['cms', '-cmsout', '-print', '-inform', 'DER'], der).stdout;
}

/** The certificates a CMS SignedData carries, in order (DER). */
export function cmsCertificates(der: Buffer): Buffer[] {
  const signed = AsnConvert.parse(AsnConvert.parse(der, ContentInfo).content, SignedData);
  return (signed.certificates ?? []).map((c) => Buffer.from(AsnConvert.serialize(c.certificate)));
}

/** `openssl verify` of a leaf against the simulator's root, the issuing CA as an untrusted intermediate. */
export function opensslVerify(leaf: Buffer, ca: { root: string; issuing: string }, dir: string): { ok: boolean; output: string } {
  const leafFile = join(dir, 'leaf.pem');
  writeFileSync(leafFile, new x509.X509Certificate(leaf).toString('pem'));
  writeFileSync(join(dir, 'root.pem'), ca.root);
  writeFileSync(join(dir, 'issuing.pem'), ca.issuing);
  const run = openssl(['verify', '-CAfile', join(dir, 'root.pem'), '-untrusted', join(dir, 'issuing.pem'), leafFile]);
  return { ok: run.status === 0, output: run.stdout + run.stderr };
}
