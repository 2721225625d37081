// The virtual YubiKey over the real stack, as the station's own PC/SC binding reaches it: a 1.2 KB
// certificate object travels as one extended APDU and as a CLA 10 chain, and comes back whole with an
// extended Le or piece by piece through 61xx + GET RESPONSE. Tells the host side which forms pass
// pcscd + vpcd unchanged.
import { createCipheriv } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPcscliteBinding, type CardConnection, type PcscContext, type ReaderStatus } from '../../src/main/pcsc';
import { VPCD_READERS } from '../support/pcsc-stack';
import { insertCard, type VirtualCard } from '../support/vcard';
import { FACTORY_YUBIKEY } from '../support/vcard/catalog';

const READER = VPCD_READERS[1].name;
const FACTORY_KEY = Buffer.from('010203040506070801020304050607080102030405060708', 'hex');

let context: PcscContext;
let card: VirtualCard;
let connection: CardConnection;

async function send(hex: string | Buffer): Promise<{ data: Buffer; sw: number }> {
  const response = Buffer.from(await connection.transmit(typeof hex === 'string' ? Buffer.from(hex, 'hex') : hex));
  return { data: response.subarray(0, -2), sw: response.readUInt16BE(response.length - 2) };
}

beforeAll(async () => {
  const present = new Promise<void>((resolve) => {
    context = createPcscliteBinding().establish({
      readers: () => undefined,
      status: (reader: string, status: ReaderStatus) => {
        if (reader === READER && status.present) resolve();
      },
      lost: () => undefined,
    });
    context.watch(READER);
  });
  card = await insertCard({ reader: 1, ...FACTORY_YUBIKEY });
  await present;
  connection = await context.connect(READER);
  await send('00a4040005a000000308');
  const challenge = (await send('0087039b047c028100')).data.subarray(4, 12);
  const cipher = createCipheriv('des-ede3-ecb', FACTORY_KEY, null);
  cipher.setAutoPadding(false);
  const response = Buffer.concat([cipher.update(challenge), cipher.final()]);
  expect((await send(Buffer.concat([Buffer.from('0087039b0c7c0a8208', 'hex'), response]))).sw).toBe(0x9000);
});

afterAll(async () => {
  await connection?.disconnect();
  context?.close();
  await card?.remove();
});

const certificate = Buffer.alloc(1200, 0x5a);
// 5C 03 5FC105, 53 82 04B9 { 70 82 04B0 <cert>, 71 01 00, FE 00 }
const object = Buffer.concat([Buffer.from('5c035fc105538204b9708204b0', 'hex'), certificate, Buffer.from('710100fe00', 'hex')]);

describe('PIV card transport through pcscd + vpcd', () => {
  it('takes a certificate as one extended APDU and returns it whole to an extended GET DATA', async () => {
    const put = Buffer.concat([Buffer.from('00db3fff00', 'hex'), Buffer.from([object.length >> 8, object.length & 0xff]), object]);
    expect((await send(put)).sw).toBe(0x9000);
    const got = await send('00cb3fff0000055c035fc1050000');
    expect(got.sw).toBe(0x9000);
    expect(got.data.length).toBe(4 + 0x4b9);
  });

  it('takes it as a CLA 10 chain and returns it through 61xx + GET RESPONSE', async () => {
    for (let offset = 0; offset < object.length; offset += 255) {
      const chunk = object.subarray(offset, offset + 255);
      const last = offset + 255 >= object.length;
      const answer = await send(Buffer.concat([Buffer.from([last ? 0x00 : 0x10, 0xdb, 0x3f, 0xff, chunk.length]), chunk]));
      expect(answer.sw).toBe(0x9000);
    }
    let answer = await send('00cb3fff055c035fc10500');
    const parts = [answer.data];
    while (answer.sw >> 8 === 0x61) {
      answer = await send(Buffer.from([0x00, 0xc0, 0x00, 0x00, answer.sw & 0xff]));
      parts.push(answer.data);
    }
    expect(answer.sw).toBe(0x9000);
    expect(Buffer.concat(parts).subarray(-(1200 + 5), -5)).toEqual(certificate);
  });
});
