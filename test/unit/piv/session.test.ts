import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CardConnection } from '../../../src/main/pcsc/binding';
import { CardPivSession, chuidValue, encrypt3desEcb, spkiFromGenerateAnswer } from '../../../src/main/pcsc/piv';
import { createInMemoryPivAccess } from '../../support/piv-in-memory';
import { StationError } from '../../../src/shared/errors';

const hex = (value: string) => Buffer.from(value.replace(/\s/g, ''), 'hex');
const SW_OK = hex('9000');

/** A connection answering each APDU with `respond`, recording what was sent. */
function cardWith(respond: (apdu: Buffer) => Buffer) {
  const sent: string[] = [];
  const connection: CardConnection = {
    reader: 'Test reader',
    transmit: async (apdu) => {
      sent.push(Buffer.from(apdu).toString('hex'));
      return Uint8Array.from(respond(Buffer.from(apdu)));
    },
    disconnect: async () => undefined,
  };
  return { session: new CardPivSession(connection, { timeoutMs: 1_000, now: () => new Date('2020-01-01T12:00:00Z') }), sent };
}

const tlv = (tag: string, value: Buffer) => {
  const length = value.length < 0x80 ? [value.length] : value.length < 0x100 ? [0x81, value.length] : [0x82, value.length >> 8, value.length & 0xff];
  return Buffer.concat([hex(tag), Buffer.from(length), value]);
};

/** Splits an answer the way a T=0 card does: 256 bytes at a time with 61 xx (exercises GET RESPONSE). */
function inChunks(answer: Buffer): (apdu: Buffer) => Buffer {
  let rest = answer;
  const next = () => {
    const chunk = rest.subarray(0, 256);
    rest = rest.subarray(256);
    return Buffer.concat([chunk, rest.length > 0 ? Buffer.from([0x61, Math.min(rest.length, 256) & 0xff]) : SW_OK]);
  };
  // Chunks of a chained command (CLA 10) are acknowledged; the answer starts after the last one.
  return (apdu) => (apdu[0] === 0x10 ? SW_OK : next());
}

// yubico-piv-tool lib/util.c CHUID_TMPL: the CHUID its `set-chuid` writes (GUID at offset 29).
const YUBICO_CHUID_TMPL = '3019d4e739da739ced39ce739d836858210842108421c84210c3eb3410' + '00'.repeat(16) + '350832303330303130313e00fe00';
const GUID = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';

describe('CHUID', () => {
  it('writes the CHUID byte for byte as yubico-piv-tool does (expiry 10 years on)', async () => {
    const { session, sent } = cardWith(() => SW_OK);
    await session.writeChuid(hex(GUID));
    const expected = YUBICO_CHUID_TMPL.replace('3410' + '00'.repeat(16), '3410' + GUID);
    // PUT DATA 3F FF, 5C 03 5F C1 02, 53 3B <template> (ykpiv _ykpiv_save_object).
    expect(sent).toEqual([`00db3fff425c035fc102533b${expected}`]);
    expect(chuidValue(hex(GUID), '20300101').toString('hex')).toBe(expected);
  });

  it('reads the GUID as 32 lowercase hex, null when the card has none', async () => {
    const chuid = tlv('53', hex(YUBICO_CHUID_TMPL.replace('3410' + '00'.repeat(16), '3410' + GUID)));
    expect(await cardWith(() => Buffer.concat([chuid, SW_OK])).session.readChuidGuid()).toBe(GUID);
    expect(await cardWith(() => hex('6a82')).session.readChuidGuid()).toBeNull();
    expect(await cardWith(() => Buffer.concat([tlv('53', hex(YUBICO_CHUID_TMPL)), SW_OK])).session.readChuidGuid()).toBeNull();
  });

  it('refuses a GET DATA answer that is not one 53 container', async () => {
    await expect(cardWith(() => hex('5300 5300 9000')).session.readChuidGuid()).rejects.toMatchObject({
      code: 'PIV_CARD_ERROR',
      details: { reason: 'malformed-response' },
    });
    await expect(cardWith(() => hex('53 05 34 10 00 9000')).session.readChuidGuid()).rejects.toMatchObject({ code: 'PIV_CARD_ERROR' });
  });
});

describe('9B single authentication', () => {
  // get-smartcard-authentication-response.md: challenge 1hFD+cz/0so= answered F0Zudm4wPLY= (key: 24 zero bytes).
  const challenge = Buffer.from('1hFD+cz/0so=', 'base64');
  const response = Buffer.from('F0Zudm4wPLY=', 'base64');

  it('answers the card challenge as CM does (3DES-ECB of the challenge)', () => {
    expect(encrypt3desEcb(Buffer.alloc(24), challenge)).toEqual(response);
  });

  it('sends 7C 02 81 00 then 7C 0A 82 08 <response> with algorithm 03 on key 9B', async () => {
    const { session, sent } = cardWith((apdu) => (apdu[4] === 0x04 ? Buffer.concat([hex('7c0a8108'), challenge, SW_OK]) : SW_OK));
    await session.authenticateAdmin(Buffer.alloc(24));
    expect(sent).toEqual(['0087039b047c02810000', `0087039b0c7c0a8208${response.toString('hex')}`]);
  });

  it('is PIV_ADMIN_AUTH_FAILED when the card refuses the response', async () => {
    const { session } = cardWith((apdu) => (apdu[4] === 0x04 ? Buffer.concat([hex('7c0a8108'), challenge, SW_OK]) : hex('6982')));
    await expect(session.authenticateAdmin(Buffer.alloc(24, 1))).rejects.toMatchObject({ code: 'PIV_ADMIN_AUTH_FAILED', details: { sw: '6982' } });
  });

  it('refuses a challenge that is not 8 bytes in a 7C/81 template', async () => {
    await expect(cardWith(() => hex('7c0a8208 0102030405060708 9000')).session.adminChallenge()).rejects.toMatchObject({ code: 'PIV_CARD_ERROR' });
    await expect(cardWith(() => hex('7c128110 00000000000000000000000000000000 9000')).session.adminChallenge()).rejects.toMatchObject({
      code: 'PIV_CARD_ERROR',
    });
  });

  it('sets the management key with YubiKey 00 FF FF FF 1B 03 9B 18 <key>, written as given', async () => {
    // get-smartcard-diversified-admin-key.md's sample key.
    const key = Buffer.from('mBVA+HopB/gc+6FuKsQqx+OX01hK1WQI', 'base64');
    const { session, sent } = cardWith(() => SW_OK);
    await session.setManagementKey(key);
    expect(sent).toEqual([`00ffffff1b039b18${key.toString('hex')}`]);
  });
});

describe('keys', () => {
  it('generates RSA-2048 (AC 03 80 01 07) and returns the SPKI built from 7F49 81/82, through GET RESPONSE', async () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = publicKey.export({ format: 'jwk' });
    const answer = tlv('7f49', Buffer.concat([tlv('81', Buffer.from(jwk.n ?? '', 'base64url')), tlv('82', Buffer.from(jwk.e ?? '', 'base64url'))]));
    const respond = inChunks(Buffer.concat([answer]));
    const { session, sent } = cardWith((apdu) => respond(apdu));
    const spki = await session.generateKey('9a', 'rsa2048');
    expect(spki).toEqual(publicKey.export({ type: 'spki', format: 'der' }));
    expect(sent[0]).toBe('0047009a05ac0380010700');
    expect(sent.slice(1)).toEqual(['00c000000e']);
  });

  it('generates P-256 (algorithm 11) and returns the SPKI built from 7F49 86', async () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const point = publicKey.export({ type: 'spki', format: 'der' }).subarray(-65);
    const { session, sent } = cardWith(() => Buffer.concat([tlv('7f49', tlv('86', point)), SW_OK]));
    expect(await session.generateKey('9c', 'eccp256')).toEqual(publicKey.export({ type: 'spki', format: 'der' }));
    expect(sent).toEqual(['0047009c05ac0380011100']);
  });

  it('refuses a point off the curve and a short modulus', async () => {
    const command = { ins: 0x47, p1: 0, p2: 0x9a };
    const bad = Buffer.concat([hex('04'), Buffer.alloc(64, 1)]);
    expect(() => spkiFromGenerateAnswer(command, tlv('7f49', tlv('86', bad)), 'eccp256')).toThrow(StationError);
    expect(() =>
      spkiFromGenerateAnswer(command, tlv('7f49', Buffer.concat([tlv('81', Buffer.alloc(128, 0xff)), tlv('82', hex('010001'))])), 'rsa2048'),
    ).toThrow(/not 2048 bits/);
  });

  it('any GENERATE answer gives an SPKI or PIV_CARD_ERROR', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.constantFrom('rsa2048' as const, 'eccp256' as const), (bytes, algorithm) => {
        try {
          createPublicKey({ key: spkiFromGenerateAnswer({ ins: 0x47, p1: 0, p2: 0x9a }, Buffer.from(bytes), algorithm), format: 'der', type: 'spki' });
        } catch (err) {
          expect(err).toBeInstanceOf(StationError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('signs with GENERAL AUTHENTICATE 7C { 82 00, 81 <block> } and returns the 82 value', async () => {
    const signature = Buffer.alloc(256, 0x5a);
    const answer = tlv('7c', tlv('82', signature));
    const respond = inChunks(answer);
    const { session, sent } = cardWith((apdu) => respond(apdu));
    expect(await session.sign('9c', 'rsa2048', Buffer.alloc(256, 0x01))).toEqual(signature);
    // 7C 82 01 06 82 00 81 82 01 00 <256 bytes>: 266 bytes, chained.
    expect(sent[0]?.slice(0, 10)).toBe('1087079cff');
    expect(sent[0]?.slice(10, 30)).toBe('7c820106820081820100');
    expect(sent[1]).toBe(`0087079c0b${'01'.repeat(11)}00`);
  });

  it('imports a P-256 key as 06 20 <d> and an RSA-2048 key as tags 01..05 of 128 bytes', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const d = Buffer.from(ec.export({ format: 'jwk' }).d ?? '', 'base64url');
    const first = cardWith(() => SW_OK);
    await first.session.importKey('9d', ec.export({ type: 'pkcs8', format: 'der' }));
    expect(first.sent).toEqual([`00fe119d2206${'20'}${Buffer.concat([Buffer.alloc(32 - d.length), d]).toString('hex')}`]);

    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const second = cardWith(() => SW_OK);
    await second.session.importKey('9a', rsa.export({ type: 'pkcs8', format: 'der' }));
    const data = Buffer.concat(second.sent.map((apdu) => hex(apdu).subarray(5)));
    expect(second.sent.map((apdu) => apdu.slice(0, 8))).toEqual(['10fe079a', '10fe079a', '00fe079a']);
    const jwk = rsa.export({ format: 'jwk' });
    const tags = [0, 1, 2, 3, 4].map((i) => data.subarray(i * 131, i * 131 + 3).toString('hex'));
    expect(tags).toEqual(['018180', '028180', '038180', '048180', '058180']);
    expect(data.subarray(3, 131)).toEqual(Buffer.from(jwk.p ?? '', 'base64url'));
    expect(data.subarray(4 * 131 + 3)).toEqual(Buffer.from(jwk.qi ?? '', 'base64url'));
  });

  it('refuses an RSA-1024 or non-PKCS#8 key before sending anything', async () => {
    const { session, sent } = cardWith(() => SW_OK);
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'der' });
    await expect(session.importKey('9a', small)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(session.importKey('9a', hex('3000'))).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(sent).toEqual([]);
  });
});

describe('certificates', () => {
  it('writes 53 { 70 cert, 71 00, FE 00 } to the slot object and reads it back', async () => {
    let stored: Buffer | null = null;
    const { session, sent } = cardWith((apdu) => {
      if (apdu[1] === 0xdb || (apdu[0] === 0x10 && apdu[1] === 0xdb)) {
        stored = Buffer.concat([stored ?? Buffer.alloc(0), apdu.subarray(5, 5 + (apdu[4] ?? 0))]);
        return SW_OK;
      }
      return Buffer.concat([(stored ?? Buffer.alloc(0)).subarray(5), SW_OK]);
    });
    const certificate = Buffer.concat([hex('308204'), Buffer.alloc(1100, 0x42)]);
    await session.putCertificate('9d', certificate);
    expect(sent[0]?.slice(0, 36)).toBe('10db3fffff5c035fc10b538204587082044f');
    expect(await session.readCertificate('9d')).toEqual(certificate);
  });

  it('reads an empty or absent object as null', async () => {
    expect(await cardWith(() => hex('6a82')).session.readCertificate('9a')).toBeNull();
    expect(await cardWith(() => hex('5300 9000')).session.readCertificate('9a')).toBeNull();
  });
});

describe('key history: retired key management slots 82-95 and the Key History object (SP 800-73-4 part 1 §3.3.2)', () => {
  it('imports into a retired slot with its key reference (00 FE <alg> 82..95) and writes its certificate to 5FC10D..5FC120', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const { session, sent } = cardWith(() => SW_OK);
    await session.importKey('82', ec.export({ type: 'pkcs8', format: 'der' }));
    await session.importKey('95', ec.export({ type: 'pkcs8', format: 'der' }));
    expect(sent.map((apdu) => apdu.slice(0, 8))).toEqual(['00fe1182', '00fe1195']);
    const certificate = Buffer.concat([hex('3082'), Buffer.alloc(40, 0x42)]);
    const objects = cardWith(() => SW_OK);
    await objects.session.putCertificate('82', certificate);
    await objects.session.putCertificate('8f', certificate);
    await objects.session.putCertificate('95', certificate);
    // OpenSC card-piv.c: Retired X.509 Certificate for Key Management 1 = 5FC10D ... 20 = 5FC120.
    expect(objects.sent.map((apdu) => apdu.slice(10, 20))).toEqual(['5c035fc10d', '5c035fc11a', '5c035fc120']);
  });

  it('writes 53 { C1 n, C2 0, FE 00 } to 5FC10C and reads it back; no object reads as null', async () => {
    const { session, sent } = cardWith(() => SW_OK);
    await session.putKeyHistory({ onCardCertificates: 2, offCardCertificates: 0 });
    expect(sent).toEqual(['00db3fff0f5c035fc10c5308c10102c20100fe00']);
    const read = cardWith(() => hex('5308c10102c20100fe00 9000'));
    expect(await read.session.readKeyHistory()).toEqual({ onCardCertificates: 2, offCardCertificates: 0 });
    expect(read.sent).toEqual(['00cb3fff055c035fc10c00']);
    expect(await cardWith(() => hex('6a82')).session.readKeyHistory()).toBeNull();
    // C2 absent counts 0 (OpenSC reads each tag only when present).
    expect(await cardWith(() => hex('5303c10105 9000')).session.readKeyHistory()).toEqual({ onCardCertificates: 5, offCardCertificates: 0 });
  });

  it('refuses a count above the 20 retired slots, both ways, sending nothing', async () => {
    const { session, sent } = cardWith(() => SW_OK);
    await expect(session.putKeyHistory({ onCardCertificates: 21, offCardCertificates: 0 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(sent).toEqual([]);
    await expect(cardWith(() => hex('5303c10115 9000')).session.readKeyHistory()).rejects.toMatchObject({ code: 'PIV_CARD_ERROR' });
  });
});

describe('PIN and PUK', () => {
  it('verifies with the PIN padded with FF to 8 bytes', async () => {
    const { session, sent } = cardWith(() => SW_OK);
    await session.verifyPin('123456');
    expect(sent).toEqual(['0020008008313233343536ffff']);
  });

  it('is PIV_PIN_WRONG with the tries left, PIV_PIN_BLOCKED on 69 83', async () => {
    await expect(cardWith(() => hex('63c2')).session.verifyPin('000000')).rejects.toMatchObject({ code: 'PIV_PIN_WRONG', details: { triesLeft: 2 } });
    await expect(cardWith(() => hex('6983')).session.verifyPin('000000')).rejects.toMatchObject({ code: 'PIV_PIN_BLOCKED' });
  });

  it('changes the PIN (P2 80) and the PUK (P2 81), saying which was wrong', async () => {
    const { session, sent } = cardWith(() => SW_OK);
    await session.changeReference('pin', '123456', '87654321');
    expect(sent).toEqual(['002400801031323334353636ffff3837363534333231'.replace('3636', '36')]);
    await expect(cardWith(() => hex('63c1')).session.changeReference('puk', '12345678', '11112222')).rejects.toMatchObject({
      code: 'PIV_PIN_WRONG',
      details: { which: 'puk', triesLeft: 1 },
    });
  });

  it('resets the retry counter with PUK then new PIN (00 2C 00 80 10)', async () => {
    const { session, sent } = cardWith(() => SW_OK);
    await session.resetRetryCounter('12345678', '654321');
    expect(sent).toEqual(['002c0080103132333435363738363534333231ffff']);
  });

  it('refuses a PIN longer than 8 characters without sending it', async () => {
    const { session, sent } = cardWith(() => SW_OK);
    await expect(session.verifyPin('123456789')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(sent).toEqual([]);
  });
});

describe('in-memory access', () => {
  it('opens a session with SELECT PIV and says PIV_NOT_PRESENT when the card has none', async () => {
    const sent: string[] = [];
    const access = createInMemoryPivAccess({
      reset: () => undefined,
      command: (apdu) => {
        sent.push(apdu.toString('hex'));
        return { kind: 'answer', response: hex('6a82') };
      },
    });
    await expect(access.open('r')).rejects.toMatchObject({ code: 'PIV_NOT_PRESENT' });
    expect(sent).toEqual(['00a404000ba00000030800001000010000']);
    expect(await access.probe('r')).toMatchObject({ issuable: false, reason: 'not-piv' });
  });
});

describe('capability probe on scripted cards', () => {
  /** A card answering SELECT, then each command by its INS from `answers` (hex with SW), 6D00 otherwise. */
  function probeCard(answers: Record<number, string>) {
    const sent: string[] = [];
    const access = createInMemoryPivAccess({
      reset: () => undefined,
      command: (apdu) => {
        sent.push(apdu.toString('hex'));
        if (apdu[1] === 0xa4) return { kind: 'answer', response: hex('9000') };
        return { kind: 'answer', response: hex(answers[apdu[1] ?? 0] ?? '6d00') };
      },
    });
    return { access, sent };
  }

  it('asks a card without GET VERSION for a 3DES challenge and reads PIN tries, writing nothing', async () => {
    const { access, sent } = probeCard({ 0xcb: '6a82', 0x87: '7c0a81080102030405060708 9000', 0x20: '63c3' });
    expect(await access.probe('r')).toEqual({ issuable: true, chuidGuid: null, firmware: null, pinTriesLeft: 3 });
    expect(sent.filter((apdu) => ['db', 'ff', 'fe', '47', '24', '2c'].includes(apdu.slice(2, 4)))).toEqual([]);
  });

  it.each([
    ['6a80', 'admin-key-not-3des'],
    ['6a86', 'admin-key-not-3des'],
    ['6982', 'admin-challenge-refused'],
  ])('reads a challenge refused with %s as %s', async (sw, reason) => {
    const { access } = probeCard({ 0xcb: '6a82', 0x87: sw });
    expect(await access.probe('r')).toMatchObject({ issuable: false, reason });
  });

  it('reads GET METADATA on 5.3+ and refuses an AES-128 management key', async () => {
    const { access } = probeCard({ 0xfd: '050405 9000', 0xcb: '6a82', 0xf7: '010108 0202ffff 9000' });
    expect(await access.probe('r')).toMatchObject({ issuable: false, reason: 'admin-key-not-3des', detail: expect.stringMatching(/aes128/) });
  });

  it('reports a malformed answer as card-error and a pulled card as PCSC_CARD_REMOVED', async () => {
    const { access } = probeCard({ 0xfd: '0504 9000' });
    expect(await access.probe('r')).toMatchObject({ issuable: false, reason: 'card-error' });
    const pulled = createInMemoryPivAccess({
      reset: () => undefined,
      command: (apdu) => (apdu[1] === 0xa4 ? { kind: 'answer', response: hex('9000') } : { kind: 'die' }),
    });
    await expect(pulled.probe('r')).rejects.toMatchObject({ code: 'PCSC_CARD_REMOVED' });
  });
});

describe('close', () => {
  it('returns after a bound when the disconnect waits behind a mute card, and refuses further commands', async () => {
    const connection: CardConnection = { reader: 'r', transmit: () => new Promise(() => undefined), disconnect: () => new Promise(() => undefined) };
    const session = new CardPivSession(connection, { timeoutMs: 10 });
    await expect(session.readChuidGuid()).rejects.toMatchObject({ code: 'PCSC_UNRESPONSIVE_CARD' });
    const started = Date.now();
    await session.close();
    expect(Date.now() - started).toBeLessThan(3_000);
    await expect(session.verifyPin('123456')).rejects.toMatchObject({ code: 'PIV_CARD_ERROR', details: { reason: 'closed' } });
  });
});

describe('any card answer', () => {
  const calls: [string, (session: CardPivSession) => Promise<unknown>][] = [
    ['readChuidGuid', (s) => s.readChuidGuid()],
    ['adminChallenge', (s) => s.adminChallenge()],
    ['authenticateAdmin', (s) => s.authenticateAdmin(Buffer.alloc(24))],
    ['generateKey rsa', (s) => s.generateKey('9a', 'rsa2048')],
    ['generateKey ec', (s) => s.generateKey('9c', 'eccp256')],
    ['sign', (s) => s.sign('9d', 'eccp256', Buffer.alloc(32))],
    ['readCertificate', (s) => s.readCertificate('9a')],
    ['firmwareVersion', (s) => s.firmwareVersion()],
    ['adminKeyAlgorithm', (s) => s.adminKeyAlgorithm()],
    ['pinTriesLeft', (s) => s.pinTriesLeft()],
    ['verifyPin', (s) => s.verifyPin('123456')],
  ];

  it('gives every session call a value or a StationError, never another throw', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...calls),
        fc.array(
          fc.oneof(
            fc.uint8Array({ maxLength: 300 }),
            fc.uint8Array({ maxLength: 40 }).map((data) => Uint8Array.from([...data, 0x90, 0x00])),
          ),
          {
            minLength: 1,
            maxLength: 4,
          },
        ),
        async ([, call], answers) => {
          let index = 0;
          const { session } = cardWith(() => Buffer.from(answers[Math.min(index++, answers.length - 1)] ?? []));
          try {
            await call(session);
          } catch (err) {
            expect(err).toBeInstanceOf(StationError);
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
