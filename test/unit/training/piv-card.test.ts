// The virtual YubiKey 5 PIV card's pure logic: selection, PINs and their counters, 9B
// authentication (single and mutual), key generation and use under each PIN policy, chaining,
// GET RESPONSE, extended length, state across power cycles.
import { createCipheriv, createDecipheriv, createECDH, createHash, generateKeyPairSync, verify as verifySignature } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { yubiKeyPivSchema } from '../../../src/main/training/piv-card';
import {
  authenticate,
  authenticationResult,
  FACTORY_KEY,
  newCard,
  publicKeyOf,
  select,
  sign,
  tdes,
  tlvBytes,
  transmit,
  transmitChained,
  tx,
  verifyPin,
} from './piv-card-helpers';

const APT = '61114f0600001000010079074f05a000000308';

/** PKCS#1 v1.5 type 1 block of a SHA-256 DigestInfo, as a host builds it for raw RSA signing. */
function pkcs1Block(message: Buffer, modulusBytes = 256): Buffer {
  const digestInfo = Buffer.concat([Buffer.from('3031300d060960864801650304020105000420', 'hex'), createHash('sha256').update(message).digest()]);
  const padding = Buffer.alloc(modulusBytes - digestInfo.length - 3, 0xff);
  return Buffer.concat([Buffer.from([0x00, 0x01]), padding, Buffer.from([0x00]), digestInfo]);
}

describe('selection and identity', () => {
  it('selects PIV by the full and the right-truncated AID and answers the property template', () => {
    const card = newCard();
    expect(tx(card, '00a4040009a00000030800001000')).toEqual({ data: Buffer.from(APT, 'hex'), sw: 0x9000 });
    expect(tx(card, '00a404000ba0000003080000100001 0000')).toEqual({ data: Buffer.from(APT, 'hex'), sw: 0x9000 });
    expect(select(card).sw).toBe(0x9000);
  });

  it('answers nothing PIV before SELECT, and an unknown AID with 6A82', () => {
    const card = newCard();
    expect(tx(card, '00cb3fff055c035fc10200').sw).toBe(0x6d00);
    expect(tx(card, '00a4040007a0000005272101').sw).toBe(0x6a82);
    expect(tx(card, '00fd000000').sw).toBe(0x6d00);
  });

  it('a factory card has no CHUID, a discovery object, version and serial', () => {
    const card = newCard({ serial: 0x01020304 });
    select(card);
    expect(tx(card, '00cb3fff055c035fc10200').sw).toBe(0x6a82);
    expect(tx(card, '00cb3fff055c035fc10700').sw).toBe(0x6a82);
    expect(tx(card, '00cb3fff035c017e00')).toEqual({ data: Buffer.from('7e124f0ba0000003080000100001005f2f024000', 'hex'), sw: 0x9000 });
    expect(tx(card, '00fd000000')).toEqual({ data: Buffer.from([5, 4, 3]), sw: 0x9000 });
    expect(tx(card, '00f8000000')).toEqual({ data: Buffer.from('01020304', 'hex'), sw: 0x9000 });
  });

  it('a configured CHUID carries the GUID in tag 34', () => {
    const card = newCard({ chuidGuid: '00112233445566778899aabbccddeeff' });
    select(card);
    const chuid = transmit(card, '00cb3fff055c035fc10200');
    expect(chuid.sw).toBe(0x9000);
    expect(chuid.data.toString('hex')).toContain('341000112233445566778899aabbccddeeff');
  });

  it('refuses other classes (secure messaging, proprietary) and malformed lengths', () => {
    const card = newCard();
    select(card);
    expect(tx(card, '80ca9f7f00').sw).toBe(0x6e00);
    expect(tx(card, 'ffca000000').sw).toBe(0x6e00);
    expect(tx(card, '00cb3fff055c035f').sw).toBe(0x6700);
    expect(tx(card, '00cb').sw).toBe(0x6700);
    // Found by the fuzz test: 00 after the header but too short for an extended length.
    expect(tx(card, '000000000000').sw).toBe(0x6700);
  });
});

describe('PIN and PUK', () => {
  it('counts wrong PINs down with 63Cx, blocks with 6983, and an empty VERIFY reports without spending', () => {
    const card = newCard();
    select(card);
    expect(tx(card, '0020008000').sw).toBe(0x63c3);
    expect(tx(card, '00200080').sw).toBe(0x63c3);
    expect(verifyPin(card, '654321')).toBe(0x63c2);
    expect(verifyPin(card, '654321')).toBe(0x63c1);
    expect(verifyPin(card, '123456')).toBe(0x9000);
    expect(tx(card, '0020008000').sw).toBe(0x9000);
    for (const left of [2, 1, 0]) expect(verifyPin(card, '000000')).toBe(0x63c0 | left);
    expect(verifyPin(card, '123456')).toBe(0x6983);
    expect(tx(card, '0020008000').sw).toBe(0x6983);
  });

  it('unblocks with the PUK (RESET RETRY COUNTER), whose own counter blocks too', () => {
    const card = newCard();
    select(card);
    for (let i = 0; i < 3; i += 1) verifyPin(card, '000000');
    const data = (puk: string, pin: string) => Buffer.concat([Buffer.from(puk.padEnd(8, '\xff'), 'latin1'), Buffer.from(pin.padEnd(8, '\xff'), 'latin1')]);
    expect(tx(card, Buffer.concat([Buffer.from('002c008010', 'hex'), data('87654321', '222222')])).sw).toBe(0x63c2);
    expect(tx(card, Buffer.concat([Buffer.from('002c008010', 'hex'), data('12345678', '222222')])).sw).toBe(0x9000);
    expect(verifyPin(card, '222222')).toBe(0x9000);
    for (const left of [2, 1, 0]) expect(tx(card, Buffer.concat([Buffer.from('002c008010', 'hex'), data('00000000', '333333')])).sw).toBe(0x63c0 | left);
    expect(tx(card, Buffer.concat([Buffer.from('002c008010', 'hex'), data('12345678', '333333')])).sw).toBe(0x6983);
  });

  it('changes PIN and PUK (CHANGE REFERENCE DATA 80/81); a malformed new value costs no try', () => {
    const card = newCard();
    select(card);
    const change = (p2: string, old: string, next: string) =>
      tx(
        card,
        Buffer.concat([Buffer.from(`002400${p2}10`, 'hex'), Buffer.from(old.padEnd(8, '\xff'), 'latin1'), Buffer.from(next.padEnd(8, '\xff'), 'latin1')]),
      ).sw;
    expect(change('80', '123456', '12345')).toBe(0x6a80);
    expect(tx(card, '0020008000').sw).toBe(0x63c3);
    expect(change('80', '999999', '777777')).toBe(0x63c2);
    expect(change('80', '123456', '777777')).toBe(0x9000);
    expect(verifyPin(card, '123456')).toBe(0x63c2);
    expect(verifyPin(card, '777777')).toBe(0x9000);
    expect(change('81', '12345678', '87654321')).toBe(0x9000);
    expect(change('81', '12345678', '11111111')).toBe(0x63c2);
    expect(change('82', '12345678', '11111111')).toBe(0x6a88);
  });

  it('VERIFY P1=FF forgets the PIN', () => {
    const card = newCard();
    select(card);
    expect(verifyPin(card, '123456')).toBe(0x9000);
    expect(tx(card, '0020ff80').sw).toBe(0x9000);
    expect(tx(card, '00200080').sw).toBe(0x63c3);
  });
});

describe('9B card management key', () => {
  it('single authentication: 7C 02 81 00 gives a challenge, 82 answers 3DES-ECB(key, challenge)', () => {
    const card = newCard();
    select(card);
    expect(tx(card, '00db3fff095c035fc10953027100').sw).toBe(0x6982);
    expect(authenticate(card)).toBe(0x9000);
    expect(tx(card, '00db3fff095c035fc1095302aabb').sw).toBe(0x9000);
  });

  it('a wrong response is 6982 and leaves the card unauthenticated; a response with no challenge is refused', () => {
    const card = newCard();
    select(card);
    expect(authenticate(card, Buffer.alloc(24, 0x11))).toBe(0x6982);
    expect(tx(card, '00db3fff095c035fc1095302aabb').sw).toBe(0x6982);
    expect(tx(card, '0087039b0c7c0a82080000000000000000').sw).toBe(0x6985);
    // The challenge is good for the very next command only.
    tx(card, '0087039b047c028100');
    tx(card, '00fd000000');
    expect(tx(card, '0087039b0c7c0a82080000000000000000').sw).toBe(0x6985);
  });

  it('mutual authentication as yubico-piv-tool does it: witness, then witness decrypted + host challenge', () => {
    const card = newCard();
    select(card);
    const witness = tx(card, '0087039b047c028000');
    expect(witness.sw).toBe(0x9000);
    expect(witness.data.subarray(0, 4).toString('hex')).toBe('7c0a8008');
    const decipher = (b: Buffer) => {
      const d = createDecipheriv('des-ede3-ecb', FACTORY_KEY, null);
      d.setAutoPadding(false);
      return Buffer.concat([d.update(b), d.final()]);
    };
    const hostChallenge = Buffer.from('0102030405060708', 'hex');
    const step2 = Buffer.concat([Buffer.from('0087039b167c148008', 'hex'), decipher(witness.data.subarray(4, 12)), Buffer.from('8108', 'hex'), hostChallenge]);
    const answer = tx(card, step2);
    expect(answer.sw).toBe(0x9000);
    expect(answer.data.toString('hex')).toBe(`7c0a8208${tdes(FACTORY_KEY, hostChallenge).toString('hex')}`);
    expect(tx(card, '00db3fff095c035fc1095302aabb').sw).toBe(0x9000);
  });

  it('takes P1 = 00 as "the key\'s own algorithm", as Yubico\'s own example sends it', () => {
    const card = newCard();
    select(card);
    const challenge = tx(card, '0087009b047c028100');
    expect(challenge.data.subarray(0, 4).toString('hex')).toBe('7c0a8108');
    const response = tdes(FACTORY_KEY, challenge.data.subarray(4, 12));
    expect(tx(card, Buffer.concat([Buffer.from('0087009b0c7c0a8208', 'hex'), response])).sw).toBe(0x9000);
    expect(tx(card, '0087079b047c028100').sw).toBe(0x6a80);
  });

  it('SET MANAGEMENT KEY needs authentication; afterwards only the new key authenticates, across power cycles', () => {
    const card = newCard();
    select(card);
    const next = Buffer.from('0f0e0d0c0b0a09080706050403020100f1f2f3f4f5f6f7f8', 'hex');
    const apdu = Buffer.concat([Buffer.from('00ffffff1b039b18', 'hex'), next]);
    expect(tx(card, apdu).sw).toBe(0x6982);
    authenticate(card);
    expect(tx(card, apdu).sw).toBe(0x9000);
    card.reset();
    select(card);
    expect(authenticate(card)).toBe(0x6982);
    expect(authenticate(card, next)).toBe(0x9000);
  });

  it('a 5.7 card has an AES-192 key: a 3DES request answers 6A80, an AES one works, metadata says 0A', () => {
    const card = newCard({ firmware: '5.7.1' });
    select(card);
    expect(tx(card, '0087039b047c028100').sw).toBe(0x6a80);
    expect(authenticate(card)).toBe(0x6a80);
    const challenge = tx(card, '00870a9b047c028100');
    expect(challenge.sw).toBe(0x9000);
    expect(challenge.data.subarray(0, 4).toString('hex')).toBe('7c128110');
    const c = createCipheriv('aes-192-ecb', FACTORY_KEY, null);
    c.setAutoPadding(false);
    const response = Buffer.concat([c.update(challenge.data.subarray(4, 20)), c.final()]);
    expect(tx(card, Buffer.concat([Buffer.from('00870a9b147c128210', 'hex'), response])).sw).toBe(0x9000);
    expect(tx(card, '00f7009b00').data.toString('hex')).toBe('01010a02020001050101');
  });

  it('GET METADATA tells 3DES (03) on a 5.4 card, PIN/PUK defaults and counters', () => {
    const card = newCard();
    select(card);
    expect(tx(card, '00f7009b00')).toEqual({ data: Buffer.from('01010302020001050101', 'hex'), sw: 0x9000 });
    verifyPin(card, '000000');
    expect(tx(card, '00f7008000').data.toString('hex')).toBe('0101ff05010106020302');
    expect(tx(card, '00f7008100').data.toString('hex')).toBe('0101ff05010106020303');
    expect(tx(card, '00f7009a00').sw).toBe(0x6a88);
    expect(newCardSelected({ firmware: '5.2.7' })('00f7009b00').sw).toBe(0x6d00);
  });
});

function newCardSelected(options: Parameters<typeof newCard>[0]) {
  const card = newCard(options);
  select(card);
  return (apdu: string) => tx(card, apdu);
}

describe('keys: generate, sign, agree, import', () => {
  it('generates RSA-2048 (answer over 256 bytes: 61xx then GET RESPONSE) and signs a raw PKCS#1 block with the PIN', () => {
    const card = newCard();
    select(card);
    expect(tx(card, '0047009a05ac03800107').sw).toBe(0x6982);
    authenticate(card);
    const first = tx(card, '0047009a05ac03800107');
    // 7F49 82 01 09 { 81 82 01 00 <256> 82 03 010001 }: 270 bytes, 14 left after the first 256.
    expect(first.sw).toBe(0x6100 | 0x0e);
    expect(first.data.length).toBe(256);
    const rest = tx(card, '00c0000000');
    expect(rest.sw).toBe(0x9000);
    const publicKey = publicKeyOf(Buffer.concat([first.data, rest.data]));
    expect(publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    const message = Buffer.from('to be signed');
    expect(sign(card, 0x07, 0x9a, pkcs1Block(message)).sw).toBe(0x6982);
    verifyPin(card, '123456');
    const signed = sign(card, 0x07, 0x9a, pkcs1Block(message));
    expect(signed.sw).toBe(0x9000);
    expect(verifySignature('sha256', message, publicKey, authenticationResult(signed.data))).toBe(true);
    // Wrong algorithm for the slot, an input that is not one modulus long.
    expect(sign(card, 0x11, 0x9a, Buffer.alloc(32, 1)).sw).toBe(0x6a80);
    expect(sign(card, 0x07, 0x9a, Buffer.alloc(255, 1)).sw).toBe(0x6a80);
    expect(sign(card, 0x07, 0x9d, pkcs1Block(message)).sw).toBe(0x6a88);
  });

  it('generates P-256 and answers a DER ECDSA signature over the hash; ECDH (85) gives the shared x', () => {
    const card = newCard();
    select(card);
    authenticate(card);
    const generated = transmit(card, '0047009d05ac03800111');
    expect(generated.sw).toBe(0x9000);
    expect(generated.data.subarray(0, 5).toString('hex')).toBe('7f49438641');
    const publicKey = publicKeyOf(generated.data);
    verifyPin(card, '123456');
    const message = Buffer.from('hello');
    const signed = sign(card, 0x11, 0x9d, createHash('sha256').update(message).digest());
    expect(signed.sw).toBe(0x9000);
    expect(verifySignature('sha256', message, { key: publicKey, dsaEncoding: 'der' }, authenticationResult(signed.data))).toBe(true);

    const peer = createECDH('prime256v1');
    peer.generateKeys();
    const agreed = transmitChained(card, '0087119d', tlvBytes(0x7c, Buffer.concat([Buffer.from('8200', 'hex'), tlvBytes(0x85, peer.getPublicKey())])));
    expect(agreed.sw).toBe(0x9000);
    const cardPoint = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
    const y = Buffer.from(publicKey.export({ format: 'jwk' }).y ?? '', 'base64url');
    expect(authenticationResult(agreed.data)).toEqual(peer.computeSecret(Buffer.concat([Buffer.from([4]), cardPoint, y])));
    // A point not on the curve.
    const offCurve = Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 7)]);
    const bad = transmitChained(card, '0087119d', tlvBytes(0x7c, Buffer.concat([Buffer.from('8200', 'hex'), tlvBytes(0x85, offCurve)])));
    expect(bad.sw).toBe(0x6a80);
  });

  it('also generates and signs with P-384 (14) and RSA-1024 (06), as a YubiKey 5 below 5.7 does', () => {
    const card = newCard();
    select(card);
    authenticate(card);
    const p384 = transmit(card, '0047009e05ac03800114');
    expect(p384.data.subarray(0, 6).toString('hex')).toBe('7f4963866104');
    const message = Buffer.from('three eighty four');
    const ecSigned = sign(card, 0x14, 0x9e, createHash('sha384').update(message).digest());
    const ecKey = publicKeyOf(p384.data);
    expect(verifySignature('sha384', message, { key: ecKey, dsaEncoding: 'der' }, authenticationResult(ecSigned.data))).toBe(true);
    const rsa = transmit(card, '0047009d05ac03800106');
    const rsaKey = publicKeyOf(rsa.data);
    expect(rsaKey.asymmetricKeyDetails?.modulusLength).toBe(1024);
    verifyPin(card, '123456');
    const rsaSigned = sign(card, 0x06, 0x9d, pkcs1Block(message, 128));
    expect(verifySignature('sha256', message, rsaKey, authenticationResult(rsaSigned.data))).toBe(true);
  });

  it('9C is PIN-always: the VERIFY must come right before each signature; 9E needs no PIN', () => {
    const card = newCard();
    select(card);
    authenticate(card);
    transmit(card, '0047009c05ac03800111');
    transmit(card, '0047009e05ac03800111');
    const hash = Buffer.alloc(32, 0x42);
    expect(sign(card, 0x11, 0x9c, hash).sw).toBe(0x6982);
    verifyPin(card, '123456');
    expect(sign(card, 0x11, 0x9c, hash).sw).toBe(0x9000);
    expect(sign(card, 0x11, 0x9c, hash).sw).toBe(0x6982);
    verifyPin(card, '123456');
    tx(card, '00cb3fff035c017e00');
    expect(sign(card, 0x11, 0x9c, hash).sw).toBe(0x6982);
    card.reset();
    select(card);
    expect(sign(card, 0x11, 0x9e, hash).sw).toBe(0x9000);
  });

  it('honours a PIN policy given at generation (AA 01 never) and reports it in metadata', () => {
    const card = newCard();
    select(card);
    authenticate(card);
    expect(transmit(card, '0047009a08ac06800111aa0101').sw).toBe(0x9000);
    expect(sign(card, 0x11, 0x9a, Buffer.alloc(32, 1)).sw).toBe(0x9000);
    const meta = tx(card, '00f7009a00');
    expect(meta.data.subarray(0, 10).toString('hex')).toBe('01011102020101030101');
    expect(transmit(card, '0047009905ac03800111').sw).toBe(0x6b00);
    expect(transmit(card, '0047009a05ac03800105').sw).toBe(0x6a80);
  });

  it('imports RSA (CRT parts 01-05) and P-256 (06) keys, and signs with them', () => {
    const card = newCard();
    select(card);
    authenticate(card);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = rsa.privateKey.export({ format: 'jwk' });
    const part = (s: string | undefined) => {
      const b = Buffer.from(s ?? '', 'base64url');
      return Buffer.concat([Buffer.alloc(128 - b.length), b]);
    };
    const rsaData = Buffer.concat([jwk.p, jwk.q, jwk.dp, jwk.dq, jwk.qi].map((v, i) => tlvBytes(i + 1, part(v))));
    expect(transmitChained(card, '00fe079c', rsaData).sw).toBe(0x9000);
    verifyPin(card, '123456');
    const message = Buffer.from('imported');
    const signed = sign(card, 0x07, 0x9c, pkcs1Block(message));
    expect(signed.sw).toBe(0x9000);
    expect(verifySignature('sha256', message, rsa.publicKey, authenticationResult(signed.data))).toBe(true);
    expect(tx(card, '00f7009c00').data.subarray(7, 10).toString('hex')).toBe('030102');

    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const d = Buffer.from(ec.privateKey.export({ format: 'jwk' }).d ?? '', 'base64url');
    expect(transmitChained(card, '00fe119d', tlvBytes(0x06, d)).sw).toBe(0x9000);
    verifyPin(card, '123456');
    const ecSigned = sign(card, 0x11, 0x9d, createHash('sha256').update(message).digest());
    expect(verifySignature('sha256', message, { key: ec.publicKey, dsaEncoding: 'der' }, authenticationResult(ecSigned.data))).toBe(true);
    // CRT parts that do not belong together are refused.
    const broken = Buffer.concat([jwk.p, jwk.q, jwk.dq, jwk.dp, jwk.qi].map((v, i) => tlvBytes(i + 1, part(v))));
    expect(transmitChained(card, '00fe079a', broken).sw).toBe(0x6a80);
  });
});

describe('transport and persistence', () => {
  const certificate = Buffer.alloc(1200, 0x5a);
  const certificateObject = Buffer.concat([
    Buffer.from('5c035fc105', 'hex'),
    tlvBytes(0x53, Buffer.concat([tlvBytes(0x70, certificate), Buffer.from('710100fe00', 'hex')])),
  ]);

  it('joins a chained PUT DATA (CLA 10) and serves the object back in 256-byte pieces with 61xx', () => {
    const card = newCard();
    select(card);
    authenticate(card);
    expect(transmitChained(card, '00db3fff', certificateObject).sw).toBe(0x9000);
    const first = tx(card, '00cb3fff055c035fc10500');
    expect(first.sw).toBe(0x6100);
    expect(first.data.length).toBe(256);
    const whole = transmit(card, '00cb3fff055c035fc10500');
    expect(whole.sw).toBe(0x9000);
    expect(whole.data.subarray(0, 4).toString('hex')).toBe('538204b9');
    expect(whole.data.length).toBe(4 + 0x4b9);
    // A GET RESPONSE with nothing pending, and one after another command dropped the rest.
    tx(card, '00cb3fff055c035fc10500');
    tx(card, '00fd000000');
    expect(tx(card, '00c0000000').sw).toBe(0x6985);
  });

  it('honours a short Le (OpenSC reads 8 bytes first to learn the length) and extended APDUs', () => {
    const card = newCard();
    select(card);
    authenticate(card);
    transmitChained(card, '00db3fff', certificateObject);
    const head = tx(card, '00cb3fff055c035fc10508');
    expect(head.data.toString('hex')).toBe('538204b9708204b0');
    expect(head.sw).toBe(0x6100);
    const extended = tx(card, Buffer.concat([Buffer.from('00cb3fff000005', 'hex'), Buffer.from('5c035fc105', 'hex'), Buffer.from('0000', 'hex')]));
    expect(extended.sw).toBe(0x9000);
    expect(extended.data.length).toBe(4 + 0x4b9);
    const lc = Buffer.from([certificateObject.length >> 8, certificateObject.length & 0xff]);
    const putExtended = Buffer.concat([Buffer.from('00db3fff00', 'hex'), lc, certificateObject]);
    expect(tx(card, putExtended).sw).toBe(0x9000);
  });

  it('keeps keys, objects, counters and the management key across power cycles; forgets the security status', () => {
    const card = newCard();
    select(card);
    authenticate(card);
    transmitChained(card, '00db3fff', certificateObject);
    const generated = transmit(card, '0047009a05ac03800111');
    verifyPin(card, '000000');
    card.reset();
    expect(tx(card, '00cb3fff055c035fc10500').sw).toBe(0x6d00);
    select(card);
    expect(transmit(card, '00cb3fff055c035fc10500').sw).toBe(0x9000);
    expect(tx(card, '0020008000').sw).toBe(0x63c2);
    expect(sign(card, 0x11, 0x9a, Buffer.alloc(32, 3)).sw).toBe(0x6982);
    expect(tx(card, '00db3fff095c035fc1095302aabb').sw).toBe(0x6982);
    expect(tx(card, '00f7009a00').data.includes(generated.data.subarray(3))).toBe(true);
  });

  it('deletes an object written empty, refuses objects over 3063 bytes and PUT DATA of unknown tags', () => {
    const card = newCard();
    select(card);
    authenticate(card);
    transmitChained(card, '00db3fff', certificateObject);
    expect(tx(card, '00db3fff075c035fc1055300').sw).toBe(0x9000);
    expect(tx(card, '00cb3fff055c035fc10500').sw).toBe(0x6a82);
    const tooBig = Buffer.concat([Buffer.from('5c035fc105', 'hex'), tlvBytes(0x53, Buffer.alloc(3064))]);
    // Past the 3072-byte command buffer: a wrong length; within it but past the object limit: no memory.
    expect(transmitChained(card, '00db3fff', tooBig).sw).toBe(0x6700);
    const tooBigGroup = Buffer.concat([Buffer.from('5c027f61', 'hex'), tlvBytes(0x53, Buffer.alloc(3064))]);
    expect(transmitChained(card, '00db3fff', tooBigGroup).sw).toBe(0x6a84);
    expect(tx(card, '00db3fff095c031122335302aabb').sw).toBe(0x6a80);
  });

  it('resets to factory only when PIN and PUK are both blocked', () => {
    const card = newCard({ chuidGuid: '00112233445566778899aabbccddeeff' });
    select(card);
    expect(tx(card, '00fb000000').sw).toBe(0x6985);
    for (let i = 0; i < 3; i += 1) verifyPin(card, '000000');
    expect(tx(card, '00fb000000').sw).toBe(0x6985);
    const change = Buffer.concat([Buffer.from('0024008110', 'hex'), Buffer.from('00000000', 'latin1'), Buffer.from('11111111', 'latin1')]);
    for (let i = 0; i < 3; i += 1) tx(card, change);
    expect(tx(card, '00fb000000').sw).toBe(0x9000);
    expect(tx(card, '00cb3fff055c035fc10200').sw).toBe(0x6a82);
    expect(verifyPin(card, '123456')).toBe(0x9000);
  });

  it('SET PIN RETRIES needs the management key and the PIN, and puts PIN and PUK back to defaults', () => {
    const card = newCard({ pin: '654321' });
    select(card);
    authenticate(card);
    expect(tx(card, '00fa050600').sw).toBe(0x6982);
    verifyPin(card, '654321');
    expect(tx(card, '00fa050600').sw).toBe(0x9000);
    expect(tx(card, '0020008000').sw).toBe(0x63c5);
    expect(verifyPin(card, '123456')).toBe(0x9000);
    expect(tx(card, '00f7008100').data.toString('hex')).toBe('0101ff05010106020606');
  });

  it('printed information (5FC109, where YubiKey tools keep protected data) needs the PIN', () => {
    const card = newCard();
    select(card);
    authenticate(card);
    tx(card, '00db3fff095c035fc1095302aabb');
    expect(tx(card, '00cb3fff055c035fc10900').sw).toBe(0x6982);
    verifyPin(card, '123456');
    expect(tx(card, '00cb3fff055c035fc10900')).toEqual({ data: Buffer.from('5302aabb', 'hex'), sw: 0x9000 });
  });
});

describe('configuration', () => {
  it('takes a pre-set PIN, PUK and management key', () => {
    const key = Buffer.from('a1a2a3a4a5a6a7a8b1b2b3b4b5b6b7b8c1c2c3c4c5c6c7c8', 'hex');
    const card = newCard({ pin: '246802', puk: '13579135', managementKey: key.toString('hex') });
    select(card);
    expect(authenticate(card)).toBe(0x6982);
    expect(authenticate(card, key)).toBe(0x9000);
    expect(verifyPin(card, '246802')).toBe(0x9000);
    expect(tx(card, '00f7008000').data.toString('hex')).toBe('0101ff05010006020303');
    expect(tx(card, '00f7009b00').data.toString('hex')).toBe('01010302020001050100');
  });

  it('can start with PIN or PUK tries already spent', () => {
    const card = newCard({ pinTriesLeft: 0, pukTriesLeft: 1 });
    select(card);
    expect(tx(card, '0020008000').sw).toBe(0x6983);
    expect(verifyPin(card, '123456')).toBe(0x6983);
    expect(tx(card, '00f7008100').data.toString('hex')).toBe('0101ff05010106020301');
  });

  it('refuses a management key whose length does not fit its algorithm, and malformed PINs', () => {
    expect(yubiKeyPivSchema.safeParse({ kind: 'yubikey-piv', managementKey: '00'.repeat(16) }).success).toBe(false);
    expect(yubiKeyPivSchema.safeParse({ kind: 'yubikey-piv', managementKeyAlgorithm: 'aes128', managementKey: '00'.repeat(16) }).success).toBe(true);
    expect(yubiKeyPivSchema.safeParse({ kind: 'yubikey-piv', firmware: '5.7.1', managementKey: '00'.repeat(32) }).success).toBe(false);
    expect(yubiKeyPivSchema.safeParse({ kind: 'yubikey-piv', pin: '12345' }).success).toBe(false);
    expect(yubiKeyPivSchema.safeParse({ kind: 'yubikey-piv', chuidGuid: 'xyz' }).success).toBe(false);
  });
});
