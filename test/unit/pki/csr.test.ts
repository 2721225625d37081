import { execFileSync } from 'node:child_process';
import { constants, generateKeyPairSync, privateDecrypt, privateEncrypt, type KeyObject } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CertificationRequest } from '@peculiar/asn1-csr';
import { AsnConvert } from '@peculiar/asn1-schema';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCsr, hashFromOption, keyUsageFlags, pkcs1v15Block } from '../../../src/main/pki';
import { StationError } from '../../../src/shared/errors';
import { removeDir } from '../../support/temp-dir';

function openssl(args: string[], input?: Buffer): string {
  try {
    return execFileSync('openssl', args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('openssl is missing: install the Debian package "openssl"', { cause: err });
    throw err;
  }
}

/** A card's raw RSA operation: m^d mod n over the block it is given (no padding added). */
function rawRsaCard(privateKey: KeyObject) {
  return async (block: Buffer) => privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, block);
}

const dir = mkdtempSync(join(tmpdir(), 'csr-'));
afterAll(() => removeDir(dir));

/**
 * A card's ECDSA over the hash it is given (DER signature), as GENERAL AUTHENTICATE answers. Node
 * always hashes what it signs; `openssl pkeyutl -sign` takes its input as the digest, like the card.
 */
function ecCard(privateKey: KeyObject) {
  const keyFile = join(dir, 'ec-key.pem');
  writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  return async (hash: Buffer) => execFileSync('openssl', ['pkeyutl', '-sign', '-inkey', keyFile], { input: hash });
}

function verifyWithOpenssl(der: Buffer): string {
  const file = join(dir, `req-${Math.random().toString(16).slice(2)}.der`);
  writeFileSync(file, der);
  return openssl(['req', '-inform', 'DER', '-in', file, '-verify', '-noout', '-text']);
}

describe('buildCsr', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });

  it('makes an RSA request signed raw by the card that openssl verifies (SHA-256, key usage)', async () => {
    const der = await buildCsr({
      subject: 'CN=Ada Lovelace, OU=Staff, DC=corp, DC=example',
      spki: rsa.publicKey.export({ type: 'spki', format: 'der' }),
      hashAlgorithmName: 'SHA256',
      keyUsages: 3,
      sign: rawRsaCard(rsa.privateKey),
    });
    const text = verifyWithOpenssl(der);
    expect(text).toMatch(/Signature Algorithm: sha256WithRSAEncryption/);
    expect(text).toMatch(/Digital Signature, Key Encipherment/);
    expect(text).toMatch(/X509v3 Key Usage: critical/);
    // X.500 order: the string's last RDN is encoded first (openssl prints in encoded order).
    expect(text).toMatch(/Subject: DC ?= ?example, DC ?= ?corp, OU ?= ?Staff, CN ?= ?Ada Lovelace/);
  });

  it.each(['SHA1', 'sha384', 'SHA512', ''])('accepts hash %j', async (hash) => {
    const der = await buildCsr({
      subject: '',
      spki: rsa.publicKey.export({ type: 'spki', format: 'der' }),
      hashAlgorithmName: hash,
      keyUsages: 2,
      sign: rawRsaCard(rsa.privateKey),
    });
    const text = verifyWithOpenssl(der);
    expect(text).toMatch(new RegExp(`Signature Algorithm: ${hash === '' ? 'sha256' : hash.toLowerCase()}WithRSAEncryption`));
  });

  it('makes a P-256 request (ecdsa-with-SHA256) that openssl verifies', async () => {
    const der = await buildCsr({
      subject: 'CN=Grace Hopper',
      spki: ec.publicKey.export({ type: 'spki', format: 'der' }),
      hashAlgorithmName: 'SHA256',
      keyUsages: 1,
      sign: ecCard(ec.privateKey),
    });
    const text = verifyWithOpenssl(der);
    expect(text).toMatch(/ecdsa-with-SHA256/);
    expect(text).toMatch(/Key Agreement/);
  });

  it('leaves the key usage extension out when CM asks for none (as the pages’ sample request has none)', async () => {
    const der = await buildCsr({
      subject: '',
      spki: rsa.publicKey.export({ type: 'spki', format: 'der' }),
      hashAlgorithmName: 'SHA1',
      keyUsages: 0,
      sign: rawRsaCard(rsa.privateKey),
    });
    const request = AsnConvert.parse(der, CertificationRequest);
    expect(request.certificationRequestInfo.attributes).toHaveLength(0);
    expect(request.certificationRequestInfo.subject).toHaveLength(0);
  });

  it('refuses a card signature that does not verify (a key from another slot)', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await expect(
      buildCsr({
        subject: 'CN=x',
        spki: rsa.publicKey.export({ type: 'spki', format: 'der' }),
        hashAlgorithmName: 'SHA256',
        keyUsages: 2,
        sign: rawRsaCard(other.privateKey),
      }),
    ).rejects.toMatchObject({ code: 'PIV_CARD_ERROR', details: { reason: 'signature-does-not-verify' } });
  });

  it('builds the EMSA-PKCS1-v1_5 block Node itself would sign', () => {
    const hash = Buffer.alloc(32, 7);
    const block = pkcs1v15Block('sha256', hash, 256);
    expect(block.subarray(0, 2).toString('hex')).toBe('0001');
    // privateEncrypt with PKCS#1 padding pads a DigestInfo as type 1 (RFC 8017 §9.2).
    const expected = privateEncrypt(
      { key: rsa.privateKey, padding: constants.RSA_PKCS1_PADDING },
      Buffer.concat([Buffer.from('3031300d060960864801650304020105000420', 'hex'), hash]),
    );
    return rawRsaCard(rsa.privateKey)(block).then((signature) => expect(signature).toEqual(expected));
  });

  it('maps hash names and key usages', () => {
    expect(hashFromOption('SHA-256')).toBe('sha256');
    expect(() => hashFromOption('MD5')).toThrow(StationError);
    expect(keyUsageFlags(3, 'rsa')).toBe(1 | 4);
    expect(keyUsageFlags(1, 'ec')).toBe(16);
    expect(keyUsageFlags(0, 'rsa')).toBe(0);
  });
});
