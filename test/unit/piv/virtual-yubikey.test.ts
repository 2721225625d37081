// The station's PIV session against the i16-card virtual YubiKey 5 (src/main/training/piv-card),
// in memory: what the issuance engine does, end to end on one card, checked with Node crypto and openssl.
import { constants, createHash, createPublicKey, generateKeyPairSync, publicEncrypt, randomBytes, verify, X509Certificate } from 'node:crypto';
import { CertificationRequest } from '@peculiar/asn1-csr';
import { AsnConvert } from '@peculiar/asn1-schema';
import { describe, expect, it, onTestFinished } from 'vitest';
import { encrypt3desEcb, type CardPivSession } from '../../../src/main/pcsc/piv';
import { createInMemoryPivAccess } from '../../support/piv-in-memory';
import { buildCsr, chooseSlots, normaliseSpki, parseCmcResponse, pkcs1v15Block } from '../../../src/main/pki';
import { createYubiKeyPivCard } from '../../../src/main/training/piv-card';
import { createTestPki, derToPem, pkiResponse } from '../../support/pki/openssl';
import { removeDir } from '../../support/temp-dir';

const FACTORY_KEY = Buffer.from('010203040506070801020304050607080102030405060708', 'hex');

async function openFactoryCard(input: Parameters<typeof createYubiKeyPivCard>[0] = { kind: 'yubikey-piv' }) {
  const logic = createYubiKeyPivCard(input);
  const access = createInMemoryPivAccess(logic, { now: () => new Date('2026-12-07T00:00:00Z') });
  return { access, session: (await access.open('Virtual YubiKey')) as CardPivSession };
}

describe('PIV session on the virtual YubiKey 5', () => {
  it('probes a factory card as issuable, with no CHUID, without writing anything', async () => {
    const { access, session } = await openFactoryCard();
    expect(await access.probe('Virtual YubiKey')).toEqual({ issuable: true, chuidGuid: null, firmware: '5.4.3', pinTriesLeft: 3 });
    expect(await session.readChuidGuid()).toBeNull();
  });

  it('probes a 5.7 card with its AES-192 management key as not issuable', async () => {
    const { access } = await openFactoryCard({ kind: 'yubikey-piv', firmware: '5.7.1' });
    expect(await access.probe('Virtual YubiKey')).toMatchObject({ issuable: false, reason: 'admin-key-not-3des' });
  });

  it('probes a 5.2 card (no GET METADATA) through an abandoned 3DES challenge', async () => {
    const { access } = await openFactoryCard({ kind: 'yubikey-piv', firmware: '5.2.7' });
    expect(await access.probe('Virtual YubiKey')).toMatchObject({ issuable: true, firmware: '5.2.7' });
  });

  it('writes a CHUID after admin authentication and reads the GUID back', async () => {
    const { session } = await openFactoryCard();
    const guid = randomBytes(16);
    await expect(session.writeChuid(guid)).rejects.toMatchObject({ code: 'PIV_SECURITY_STATUS' });
    await session.authenticateAdmin(FACTORY_KEY);
    await session.writeChuid(guid);
    expect(await session.readChuidGuid()).toBe(guid.toString('hex'));
  });

  it('refuses a wrong admin response with PIV_ADMIN_AUTH_FAILED', async () => {
    const { session } = await openFactoryCard();
    await expect(session.authenticateAdmin(Buffer.alloc(24, 0x11))).rejects.toMatchObject({ code: 'PIV_ADMIN_AUTH_FAILED' });
  });

  it('answers the challenge as CM would (single authentication, two steps)', async () => {
    const { session } = await openFactoryCard();
    const challenge = await session.adminChallenge();
    expect(challenge).toHaveLength(8);
    await session.adminRespond(encrypt3desEcb(FACTORY_KEY, challenge));
  });

  it('sets a new management key; the next session authenticates with it and not with the old one', async () => {
    const logic = createYubiKeyPivCard({ kind: 'yubikey-piv' });
    const access = createInMemoryPivAccess(logic);
    // get-smartcard-diversified-admin-key.md's sample key.
    const diversified = Buffer.from('mBVA+HopB/gc+6FuKsQqx+OX01hK1WQI', 'base64');
    const first = (await access.open('r')) as CardPivSession;
    await first.authenticateAdmin(FACTORY_KEY);
    await first.setManagementKey(diversified);
    await first.close();
    const second = await access.open('r');
    await expect(second.authenticateAdmin(FACTORY_KEY)).rejects.toMatchObject({ code: 'PIV_ADMIN_AUTH_FAILED' });
    const third = await access.open('r');
    await third.authenticateAdmin(diversified);
  });

  it.each([
    ['9a', 'rsa2048'],
    ['9c', 'eccp256'],
  ] as const)('generates in %s (%s) and signs a request the returned public key verifies', async (slot, algorithm) => {
    const { session } = await openFactoryCard();
    await session.authenticateAdmin(FACTORY_KEY);
    const spki = await session.generateKey(slot, algorithm);
    const publicKey = createPublicKey({ key: spki, format: 'der', type: 'spki' });
    expect(publicKey.asymmetricKeyType).toBe(algorithm === 'rsa2048' ? 'rsa' : 'ec');
    const csr = await buildCsr({
      subject: 'CN=Ada Lovelace, DC=corp, DC=example',
      spki,
      hashAlgorithmName: 'SHA256',
      keyUsages: slot === '9a' ? 3 : 2,
      sign: async (input) => {
        // 9C is PIN-always: the VERIFY right before each signature (desk-issuance.md).
        await session.verifyPin('123456');
        return session.sign(slot, algorithm, input);
      },
    });
    const request = AsnConvert.parse(csr, CertificationRequest);
    const tbs = Buffer.from(AsnConvert.serialize(request.certificationRequestInfo));
    expect(verify('sha256', tbs, publicKey, Buffer.from(request.signature))).toBe(true);
  });

  it('refuses to sign with 9C without the PIN (PIV_SECURITY_STATUS)', async () => {
    const { session } = await openFactoryCard();
    await session.authenticateAdmin(FACTORY_KEY);
    await session.generateKey('9c', 'eccp256');
    await expect(session.sign('9c', 'eccp256', Buffer.alloc(32, 1))).rejects.toMatchObject({ code: 'PIV_SECURITY_STATUS' });
  });

  it('issues end to end: keys per option, card-signed CSRs, CMC answers matched by key, certificates written and read back', async () => {
    const pki = createTestPki('ec');
    onTestFinished(() => removeDir(pki.dir));
    const { session } = await openFactoryCard();
    await session.authenticateAdmin(FACTORY_KEY);
    const options = [
      { keyUsages: 2, algorithm: 'eccp256' as const },
      { keyUsages: 3, algorithm: 'rsa2048' as const },
    ];
    const slots = chooseSlots(options);
    expect(slots).toEqual(['9c', '9a']);
    const keys: Array<{ slot: (typeof slots)[number]; spki: Buffer }> = [];
    for (const [index, option] of options.entries()) {
      const slot = slots[index] ?? '9a';
      keys.push({ slot, spki: await session.generateKey(slot, option.algorithm) });
    }
    // The CA signs one CMC response per request, and they come back in the other order: matching is by key.
    const answers = [...keys].reverse().map((key) => {
      const pem = createPublicKey({ key: key.spki, format: 'der', type: 'spki' }).export({ type: 'spki', format: 'pem' }).toString();
      return pki.signCmc(pkiResponse(0, 'Issued'), [derToPem(pki.issue(pem, `/CN=Ada ${key.slot}`))]).toString('base64');
    });
    // Matched by the key each certifies, as the runner matches CM's answer (issuance/runner.ts planWrites).
    const matched = answers.map((answer) => {
      const certificate = parseCmcResponse(answer).leaf;
      const certified = normaliseSpki(new X509Certificate(certificate).publicKey.export({ type: 'spki', format: 'der' }));
      const key = keys.find((candidate) => normaliseSpki(candidate.spki).equals(certified));
      if (key === undefined) throw new Error('a certificate for no key on the card');
      return { slot: key.slot, certificate };
    });
    expect(matched.map((entry) => entry.slot)).toEqual(['9a', '9c']);
    for (const { slot, certificate } of matched) await session.putCertificate(slot, certificate);
    for (const { slot, certificate } of matched) {
      const read = await session.readCertificate(slot);
      expect(read).toEqual(certificate);
      expect(new X509Certificate(read ?? Buffer.alloc(0)).subject).toBe(`CN=Ada ${slot}`);
    }
    expect(await session.readCertificate('9d')).toBeNull();
  });

  it.each([
    ['eccp256' as const, () => generateKeyPairSync('ec', { namedCurve: 'P-256' })],
    ['rsa2048' as const, () => generateKeyPairSync('rsa', { modulusLength: 2048 })],
  ])('imports a server-generated %s key and signs with it', async (algorithm, make) => {
    const { session } = await openFactoryCard();
    const key = make();
    await session.authenticateAdmin(FACTORY_KEY);
    await session.importKey('9d', key.privateKey.export({ type: 'pkcs8', format: 'der' }));
    await session.verifyPin('123456');
    const message = randomBytes(100);
    const hash = createHash('sha256').update(message).digest();
    const signature = await session.sign('9d', algorithm, algorithm === 'rsa2048' ? pkcs1v15Block('sha256', hash, 256) : hash);
    expect(verify('sha256', message, key.publicKey, signature)).toBe(true);
  });

  it('key history: imports an earlier RSA key into retired slot 82, keeps its certificate (5FC10D) and the Key History object (5FC10C), decrypts with it', async () => {
    const { session } = await openFactoryCard();
    const key = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const certificate = Buffer.concat([Buffer.from('3082', 'hex'), randomBytes(60)]);
    // Admin authentication first, as for any IMPORT and PUT DATA.
    await expect(session.putKeyHistory({ onCardCertificates: 1, offCardCertificates: 0 })).rejects.toMatchObject({ code: 'PIV_SECURITY_STATUS' });
    await session.authenticateAdmin(FACTORY_KEY);
    await session.importKey('82', key.privateKey.export({ type: 'pkcs8', format: 'der' }));
    await session.putCertificate('82', certificate);
    await session.putKeyHistory({ onCardCertificates: 1, offCardCertificates: 0 });
    expect(await session.readCertificate('82')).toEqual(certificate);
    expect(await session.readCertificate('83')).toBeNull();
    expect(await session.readKeyHistory()).toEqual({ onCardCertificates: 1, offCardCertificates: 0 });
    // 95 is the last retired slot: IMPORT into 96 is refused as a YubiKey refuses an unknown key reference.
    const beyond = await session.send({ ins: 0xfe, p1: 0x11, p2: 0x96, data: Buffer.concat([Buffer.from('0620', 'hex'), randomBytes(32)]) });
    expect(beyond.sw).not.toBe(0x9000);
    // GENERAL AUTHENTICATE 07 82 { 82 empty, 81 <RSA block> } after the PIN: the raw RSA private operation (decryption).
    const secret = randomBytes(32);
    const encrypted = publicEncrypt({ key: key.publicKey, padding: constants.RSA_PKCS1_PADDING }, secret);
    await session.verifyPin('123456');
    const template = Buffer.concat([Buffer.from('7c820106820081820100', 'hex'), encrypted]);
    const reply = await session.send({ ins: 0x87, p1: 0x07, p2: 0x82, data: template, le: true });
    expect(reply.sw).toBe(0x9000);
    const block = reply.data.subarray(reply.data.length - 256);
    // PKCS#1 v1.5 type 2: 00 02 <non-zero padding> 00 <secret>.
    expect(block.subarray(0, 2).toString('hex')).toBe('0002');
    expect(block.subarray(256 - 32)).toEqual(secret);
  });

  it('changes the PIN and the PUK, counts wrong PINs, blocks, and unblocks with the PUK', async () => {
    const { session } = await openFactoryCard();
    await session.changeReference('pin', '123456', '24681357');
    await session.changeReference('puk', '12345678', '87654321');
    await expect(session.verifyPin('123456')).rejects.toMatchObject({ code: 'PIV_PIN_WRONG', details: { triesLeft: 2 } });
    await expect(session.verifyPin('123456')).rejects.toMatchObject({ code: 'PIV_PIN_WRONG', details: { triesLeft: 1 } });
    // The last try answers 63 C0; from then on the card says blocked, even to the right PIN.
    await expect(session.verifyPin('123456')).rejects.toMatchObject({ code: 'PIV_PIN_WRONG', details: { triesLeft: 0 } });
    await expect(session.verifyPin('24681357')).rejects.toMatchObject({ code: 'PIV_PIN_BLOCKED' });
    await expect(session.resetRetryCounter('12345678', '11223344')).rejects.toMatchObject({ code: 'PIV_PIN_WRONG', details: { which: 'puk' } });
    await session.resetRetryCounter('87654321', '11223344');
    await session.verifyPin('11223344');
  });
});
