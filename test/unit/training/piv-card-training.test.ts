// Training mode offers a factory-fresh YubiKey, and a training card is one card for the session:
// pulled and re-inserted it keeps what was written to it; a training reset hands out a fresh one.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_CARDS } from '../../../src/main/training';
import { sampleCard } from '../../../src/main/training/sample-cards';
import { startTraining, TRAINING_READERS, type TrainingSession } from '../../../src/main/training/training';
import { FACTORY_KEY, tdes } from './piv-card-helpers';

const READER = TRAINING_READERS[0];
let dataDir: string;
let session: TrainingSession;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'piv-training-'));
  session = await startTraining({ dataDir });
});
afterAll(async () => {
  await session.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** What the station's PIV layer would send, through the simulated PC/SC binding. */
async function withCard<T>(use: (send: (hex: string | Buffer) => Promise<{ data: Buffer; sw: number }>) => Promise<T>): Promise<T> {
  const context = session.pcsc.binding.establish({ readers: () => undefined, status: () => undefined, lost: () => undefined });
  try {
    const connection = await context.connect(READER);
    const send = async (apdu: string | Buffer) => {
      const response = Buffer.from(await connection.transmit(typeof apdu === 'string' ? Buffer.from(apdu, 'hex') : apdu));
      return { data: response.subarray(0, -2), sw: response.readUInt16BE(response.length - 2) };
    };
    const result = await use(send);
    await connection.disconnect();
    return result;
  } finally {
    context.close();
  }
}

const readChuid = () =>
  withCard(async (send) => {
    await send('00a4040005a000000308');
    return (await send('00cb3fff055c035fc10200')).sw;
  });

describe('the factory-fresh YubiKey training sample', () => {
  it('is offered with the YubiKey 5 ATR, beside every earlier sample', () => {
    const spec = SAMPLE_CARDS.find((c) => c.id === 'yubikey-factory');
    expect(spec?.label).toBe('YubiKey 5 (factory fresh)');
    expect(spec?.atr).toBe('3bfd1300008131fe158073c021c057597562694b657940');
    expect(SAMPLE_CARDS.map((c) => c.id)).toEqual(expect.arrayContaining(['piv-1', 'piv-2', 'piv-3', 'contactless', 'unreadable']));
    // A sample made twice is two cards: each starts from the box.
    expect(sampleCard(spec!)).not.toBe(sampleCard(spec!));
  });

  it('keeps a CHUID written to it across pull and re-insert, until the training reset', async () => {
    session.insertSample(READER, 'yubikey-factory');
    expect(await readChuid()).toBe(0x6a82);
    await withCard(async (send) => {
      await send('00a4040005a000000308');
      const challenge = (await send('0087039b047c028100')).data.subarray(4, 12);
      expect((await send(Buffer.concat([Buffer.from('0087039b0c7c0a8208', 'hex'), tdes(FACTORY_KEY, challenge)]))).sw).toBe(0x9000);
      // PUT DATA 5FC102 with just a GUID (tag 34): 25 bytes.
      expect((await send('00db3fff195c035fc1025312341000112233445566778899aabbccddeeff')).sw).toBe(0x9000);
    });
    session.removeCard(READER);
    session.insertSample(READER, 'yubikey-factory');
    expect(await readChuid()).toBe(0x9000);
    await session.reset();
    session.removeCard(READER);
    session.insertSample(READER, 'yubikey-factory');
    expect(await readChuid()).toBe(0x6a82);
  });
});
