// The station's PIV session through the real native binding, pcscd and vpcd, against the virtual
// YubiKey 5: the PC/SC path the desk issuance uses (T=1 framing, 61xx, chaining over a real reader).
import { createHash, createPublicKey, randomBytes, verify } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPivCardAccess } from '../../src/main/pcsc/piv';
import { pkcs1v15Block } from '../../src/main/pki';
import { VPCD_READERS } from '../support/pcsc-stack';
import { insertCard, type VirtualCard } from '../support/vcard';
import { FACTORY_YUBIKEY, YUBIKEY_57_AES } from '../support/vcard/catalog';
import { watchReader, type WatchedReader } from '../support/watched-reader';

const READER = VPCD_READERS[1].name;
const FACTORY_KEY = Buffer.from('010203040506070801020304050607080102030405060708', 'hex');

describe('PIV session over pcscd + vpcd', () => {
  let reader: WatchedReader;
  let card: VirtualCard | null = null;

  const insert = async (sample: { atr: string; behaviour: Parameters<typeof insertCard>[0]['behaviour'] }) => {
    const seen = reader.presence(true);
    card = await insertCard({ reader: 1, ...sample });
    await seen;
  };

  beforeAll(async () => {
    reader = watchReader(READER);
    // The reader's first status gives the insertion count the first insertion is compared with.
    await reader.watched;
  });

  afterEach(async () => {
    if (!card) return;
    const gone = reader.presence(false);
    await card.remove();
    card = null;
    await gone;
  });

  afterAll(() => reader.context.close());

  it('probes, writes a CHUID, generates RSA-2048 and signs through the real reader', async () => {
    await insert(FACTORY_YUBIKEY);
    const access = createPivCardAccess(reader.context, { timeoutMs: 20_000 });
    expect(await access.probe(READER)).toEqual({ issuable: true, chuidGuid: null, firmware: '5.4.3', pinTriesLeft: 3 });
    const session = await access.open(READER);
    try {
      await session.authenticateAdmin(FACTORY_KEY);
      const guid = randomBytes(16);
      await session.writeChuid(guid);
      expect(await session.readChuidGuid()).toBe(guid.toString('hex'));
      // Over 256 bytes each way: chained command, 61xx answer.
      const spki = await session.generateKey('9a', 'rsa2048');
      await session.verifyPin('123456');
      const message = randomBytes(64);
      const signature = await session.sign('9a', 'rsa2048', pkcs1v15Block('sha256', createHash('sha256').update(message).digest(), 256));
      expect(verify('sha256', message, createPublicKey({ key: spki, format: 'der', type: 'spki' }), signature)).toBe(true);
      const certificate = Buffer.concat([Buffer.from('308204', 'hex'), randomBytes(1100)]);
      await session.putCertificate('9a', certificate);
      expect(await session.readCertificate('9a')).toEqual(certificate);
    } finally {
      await session.close();
    }
    // A new connection sees what the first one wrote (the CHUID is the card id from then on).
    expect(await access.probe(READER)).toMatchObject({ issuable: true, chuidGuid: expect.stringMatching(/^[0-9a-f]{32}$/) });
  });

  it('says a YubiKey 5.7 with an AES management key cannot be issued', async () => {
    await insert(YUBIKEY_57_AES);
    expect(await createPivCardAccess(reader.context).probe(READER)).toMatchObject({ issuable: false, reason: 'admin-key-not-3des' });
  });
});
