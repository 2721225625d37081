// Card identification against real pcscd + vpcd: each card kind, and every way a read can fail.
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPcscliteBinding, readCardIdentity, type PcscContext } from '../../src/main/pcsc';
import { StationError } from '../../src/shared/errors';
import { VPCD_READERS } from '../support/pcsc-stack';
import {
  CONTACTLESS_CARD,
  GLOBALPLATFORM_CARD,
  GLOBALPLATFORM_CARD_CPLC_ID,
  MUTE_CARD,
  PIV_CARD,
  PIV_CARD_CM_GUID,
  PLAIN_CARD,
} from '../support/vcard/catalog';
import { insertCard, type VirtualCard } from '../support/vcard';
import { watchReader } from '../support/watched-reader';

const READER = VPCD_READERS[1].name;

async function failure(promise: Promise<unknown>): Promise<StationError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof StationError)) throw new Error(`expected a StationError, got ${String(err)}`);
  return err;
}

describe('readCardIdentity (pcscd + vpcd)', () => {
  let context: PcscContext;
  let presence: (present: boolean) => Promise<void>;
  let card: VirtualCard | null = null;

  const insert = async (sample: Omit<Parameters<typeof insertCard>[0], 'reader'>) => {
    const seen = presence(true);
    card = await insertCard({ reader: 1, ...sample });
    await seen;
    return card;
  };

  beforeAll(async () => {
    const reader = watchReader(READER);
    ({ context, presence } = reader);
    // The reader's first status gives the event count the first insertion is compared with.
    await reader.watched;
  });

  afterEach(async () => {
    if (!card) return;
    const gone = presence(false);
    await card.remove();
    card = null;
    await gone;
  });

  afterAll(() => context.close());

  it.each([
    ['PIV', PIV_CARD, { kind: 'piv-guid', value: PIV_CARD_CM_GUID }],
    ['contactless', CONTACTLESS_CARD, { kind: 'uid', value: '04a1b2c3d4e5f6' }],
    ['GlobalPlatform', GLOBALPLATFORM_CARD, { kind: 'cplc', value: GLOBALPLATFORM_CARD_CPLC_ID }],
    ['plain', PLAIN_CARD, { kind: 'none', value: null }],
  ] as const)('identifies a %s card', async (_name, sample, expected) => {
    await insert(sample);
    expect(await readCardIdentity(context, READER)).toEqual(expected);
  });

  it('falls back from a PIV applet without a GUID to the next identifier', async () => {
    await insert({ atr: PIV_CARD.atr, behaviour: { kind: 'piv', guid: '00000000000000000000000000000000' } });
    expect(await readCardIdentity(context, READER)).toEqual({ kind: 'none', value: null });
  });

  it('reports a card pulled mid-read as removed', async () => {
    // SELECT answers, the card is gone during GET DATA CHUID.
    const pulled = await insert({ atr: PIV_CARD.atr, behaviour: { kind: 'dies', onApdu: 2, before: PIV_CARD.behaviour } });
    const err = await failure(readCardIdentity(context, READER));
    expect(err.code).toBe('PCSC_CARD_REMOVED');
    expect(err.message).toMatch(/removed/);
    await pulled.waitFor((m) => m.type === 'died');
  });

  it('reports a card held exclusively by another program as a sharing violation', async () => {
    await insert(PIV_CARD);
    const holder = fork(join(import.meta.dirname, '..', 'support', 'exclusive-holder.ts'), [READER], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    try {
      const message = await new Promise<{ type: string; message?: string }>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the holder did not take the card')), 10_000);
        holder.once('message', (m: { type: string }) => {
          clearTimeout(timer);
          resolve(m);
        });
      });
      expect(message).toEqual({ type: 'held' });
      const err = await failure(readCardIdentity(context, READER));
      expect(err.code).toBe('PCSC_SHARING_VIOLATION');
      expect(err.details).toMatchObject({ pcscCode: '0x8010000b', reader: READER });
    } finally {
      const exited = new Promise((resolve) => holder.once('exit', resolve));
      holder.send('release');
      await exited;
    }
    // Once the other program lets go, the card reads normally.
    expect(await readCardIdentity(context, READER)).toEqual({ kind: 'piv-guid', value: PIV_CARD_CM_GUID });
  });

  it('bounds the wait for a mute card', async () => {
    await insert(MUTE_CARD);
    const started = performance.now();
    const err = await failure(readCardIdentity(context, READER, { timeoutMs: 1_500 }));
    const elapsed = performance.now() - started;
    expect(err.code).toBe('PCSC_UNRESPONSIVE_CARD');
    expect(elapsed).toBeGreaterThanOrEqual(1_400);
    expect(elapsed).toBeLessThan(2_500);
  });

  it('reports a closed context as the service being unavailable', async () => {
    const other = createPcscliteBinding().establish({ readers: () => undefined, status: () => undefined, lost: () => undefined });
    other.close();
    const err = await failure(readCardIdentity(other, READER));
    expect(err.code).toBe('PCSC_SERVICE_DOWN');
  });
});
