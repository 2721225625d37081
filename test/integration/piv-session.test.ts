// The station's PIV session through the real native binding, pcscd and vpcd, against the virtual
// YubiKey 5: the PC/SC path the desk issuance uses (T=1 framing, 61xx, chaining over a real reader).
import { createHash, createPublicKey, randomBytes, verify } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPcscliteBinding, type PcscContext, type ReaderStatus } from '../../src/main/pcsc';
import { createPivCardAccess } from '../../src/main/pcsc/piv';
import { pkcs1v15Block } from '../../src/main/pki';
import { VPCD_READERS } from '../support/pcsc-stack';
import { insertCard, type VirtualCard } from '../support/vcard';
import { FACTORY_YUBIKEY, YUBIKEY_57_AES } from '../support/vcard/catalog';

const READER = VPCD_READERS[1].name;
const FACTORY_KEY = Buffer.from('010203040506070801020304050607080102030405060708', 'hex');

describe('PIV session over pcscd + vpcd', () => {
  let context: PcscContext;
  const listeners = new Set<(reader: string, status: ReaderStatus) => void>();
  let card: VirtualCard | null = null;

  /** The reader's insertion count as last reported (pcscd counts insertions and removals). */
  let lastEventCount = -1;
  /**
   * Waits for the reader to show a card (present) or none. An insertion must come with a new
   * insertion count: the previous file's card may still be listed until vpcd's next poll, and its
   * stale "present" must not pass for the card this test just inserted.
   */
  const presence = (present: boolean, newerThan = -1) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`card ${present ? 'insertion' : 'removal'} not seen`)), 3_000);
      const listener = (reader: string, status: ReaderStatus) => {
        if (reader !== READER || status.present !== present || status.eventCount <= newerThan) return;
        clearTimeout(timer);
        listeners.delete(listener);
        resolve();
      };
      listeners.add(listener);
    });

  const insert = async (sample: { atr: string; behaviour: Parameters<typeof insertCard>[0]['behaviour'] }) => {
    const seen = presence(true, lastEventCount);
    card = await insertCard({ reader: 1, ...sample });
    await seen;
  };

  beforeAll(async () => {
    // The reader's first status (sent right after watch) gives the insertion count to compare with.
    let firstStatus: () => void = () => undefined;
    const watched = new Promise<void>((resolve) => (firstStatus = resolve));
    context = createPcscliteBinding().establish({
      readers: () => undefined,
      status: (reader, status) => {
        if (reader === READER) {
          lastEventCount = status.eventCount;
          firstStatus();
        }
        listeners.forEach((listener) => listener(reader, status));
      },
      lost: () => undefined,
    });
    context.watch(READER);
    await watched;
  });

  afterEach(async () => {
    if (!card) return;
    const gone = presence(false);
    await card.remove();
    card = null;
    await gone;
  });

  afterAll(() => context.close());

  it('probes, writes a CHUID, generates RSA-2048 and signs through the real reader', async () => {
    await insert(FACTORY_YUBIKEY);
    const access = createPivCardAccess(context, { timeoutMs: 20_000 });
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
    expect(await createPivCardAccess(context).probe(READER)).toMatchObject({ issuable: false, reason: 'admin-key-not-3des' });
  });
});
