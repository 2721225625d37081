// The reader monitor against real pcscd + vpcd with virtual cards.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPcscdSocketProbe, createPcscliteBinding, createReaderMonitor, type ReaderMonitor } from '../../src/main/pcsc';
import { readersSnapshotSchema } from '../../src/shared/readers';
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
import { cardIn, waitForSnapshot } from '../support/wait';
import { reportListenerErrorToStderr } from '../../src/main/common';

const [READER0, READER1] = [VPCD_READERS[0].name, VPCD_READERS[1].name];
const FIXED_NOW = new Date('2026-01-02T03:04:05.000Z');

describe('reader monitor (pcscd + vpcd)', () => {
  let monitor: ReaderMonitor;
  const cards: VirtualCard[] = [];
  const insert = async (...args: Parameters<typeof insertCard>) => {
    const card = await insertCard(...args);
    cards.push(card);
    return card;
  };

  beforeEach(async () => {
    monitor = createReaderMonitor({
      onListenerError: reportListenerErrorToStderr,
      binding: createPcscliteBinding(),
      probe: createPcscdSocketProbe(),
      now: () => FIXED_NOW,
    });
    await waitForSnapshot(monitor, (s) => s.service === 'up' && s.readers.length === 2, 'both vpcd readers');
    // The stack is shared by every integration file: a card the previous file removed last may still
    // be listed until vpcd's next poll (about 400 ms), so each test starts from readers seen empty.
    await waitForSnapshot(monitor, (s) => s.readers.every((r) => r.card === null), 'empty readers at start');
  });

  afterEach(async () => {
    await Promise.all(cards.splice(0).map((card) => card.remove()));
    // vpcd only notices a removal on its next poll; a card inserted before that would look to pcscd
    // like the old card still sitting there (no event at all), so each test starts from empty readers.
    await waitForSnapshot(monitor, (s) => s.readers.every((r) => r.card === null), 'empty readers');
    await monitor.close();
  });

  it('lists both virtual readers, empty, with the service up', () => {
    const snapshot = readersSnapshotSchema.parse(monitor.snapshot());
    expect(snapshot).toEqual({
      service: 'up',
      readers: [
        { name: READER0, card: null },
        { name: READER1, card: null },
      ],
    });
  });

  it('reports inserts and removals on both readers with their ATRs and insertion numbers', async () => {
    const piv = await insert({ reader: 0, ...PIV_CARD });
    const contactless = await insert({ reader: 1, ...CONTACTLESS_CARD });
    const both = await waitForSnapshot(monitor, (s) => cardIn(s, READER0) !== null && cardIn(s, READER1) !== null, 'two cards');
    expect(cardIn(both, READER0)).toMatchObject({ atr: PIV_CARD.atr, insertedAt: FIXED_NOW.toISOString() });
    expect(cardIn(both, READER1)).toMatchObject({ atr: CONTACTLESS_CARD.atr });
    const first = cardIn(both, READER0)?.insertion ?? -1;

    await piv.remove();
    const removed = await waitForSnapshot(monitor, (s) => cardIn(s, READER0) === null, 'removal from reader 0');
    expect(cardIn(removed, READER1)?.atr).toBe(CONTACTLESS_CARD.atr);

    await insert({ reader: 0, ...PIV_CARD });
    const again = await waitForSnapshot(monitor, (s) => cardIn(s, READER0) !== null, 're-insertion');
    expect(cardIn(again, READER0)?.insertion).toBe(first + 1);

    await contactless.remove();
    await waitForSnapshot(monitor, (s) => cardIn(s, READER1) === null, 'removal from reader 1');
    expect(() => readersSnapshotSchema.parse(monitor.snapshot())).not.toThrow();
  });

  it.each([
    ['PIV', PIV_CARD, { kind: 'piv-guid', value: PIV_CARD_CM_GUID }],
    ['contactless', CONTACTLESS_CARD, { kind: 'uid', value: CONTACTLESS_CARD.behaviour.uid }],
    ['GlobalPlatform', GLOBALPLATFORM_CARD, { kind: 'cplc', value: GLOBALPLATFORM_CARD_CPLC_ID }],
    ['plain', PLAIN_CARD, { kind: 'none', value: null }],
  ] as const)('reads the identifier of a %s card after recording its ATR', async (_name, sample, identifier) => {
    const seen: string[] = [];
    monitor.subscribe((s) => {
      const status = cardIn(s, READER1)?.identity?.status;
      if (status && seen.at(-1) !== status) seen.push(status);
    });
    const card = await insert({ reader: 1, ...sample });
    const read = await waitForSnapshot(monitor, (s) => cardIn(s, READER1)?.identity?.status === 'read', 'identifier');
    expect(cardIn(read, READER1)).toMatchObject({ atr: sample.atr, insertion: expect.any(Number), identity: { status: 'read', identifier } });
    expect(seen).toEqual(['reading', 'read']);
    // Connecting to read it marks the reader in use: that is not a new insertion.
    expect(cardIn(monitor.snapshot(), READER1)?.insertion).toBe(cardIn(read, READER1)?.insertion);
    // Left as found: SHARED + LEAVE, so the card saw no reset and no power-off after our connect.
    const afterConnect = card.log.slice(card.log.findIndex((m) => m.type === 'apdu'));
    expect(afterConnect.filter((m) => m.type === 'control' && (m.op === 'reset' || m.op === 'power-off'))).toEqual([]);
  });

  it('reports a mute card as unresponsive within the identify bound, without hanging the monitor', async () => {
    const started = Date.now();
    const mute = await insert({ reader: 0, ...MUTE_CARD });
    const failed = await waitForSnapshot(monitor, (s) => cardIn(s, READER0)?.identity?.status === 'failed', 'identify failure', 6_000);
    expect(cardIn(failed, READER0)?.identity).toMatchObject({ status: 'failed', error: { code: 'PCSC_UNRESPONSIVE_CARD' } });
    expect(Date.now() - started).toBeLessThan(5_500);
    // The other reader still works meanwhile.
    await insert({ reader: 1, ...PLAIN_CARD });
    await waitForSnapshot(monitor, (s) => cardIn(s, READER1)?.identity?.status === 'read', 'plain card next to the mute one');
    await mute.remove();
    await waitForSnapshot(monitor, (s) => cardIn(s, READER0) === null, 'mute card removal');
  });

  it.each([
    ['a glob include', { include: ['*00 01'] }, [READER1]],
    ['a glob exclude', { exclude: ['*00 00'] }, [READER1]],
    // A regex-looking value (refused by the settings schema) never filters and never stops the monitor.
    ['a regex-looking exclude, ignored', { exclude: ['/00 00$/', '/([/'] }, [READER0, READER1]],
    ['include and exclude together', { include: ['virtual pcd*'], exclude: ['* 01'] }, [READER0]],
    ['an include that matches nothing', { include: ['Windows Hello*'] }, []],
  ] as const)('shows only the readers allowed by %s', async (_name, readerFilter, shown) => {
    const filtered = createReaderMonitor({
      onListenerError: reportListenerErrorToStderr,
      binding: createPcscliteBinding(),
      probe: createPcscdSocketProbe(),
      now: () => FIXED_NOW,
      readerFilter,
    });
    try {
      // Both real readers are listed by the unfiltered monitor: wait until the filtered one is up too,
      // then insert into a hidden reader to prove it is not watched.
      await waitForSnapshot(filtered, (s) => s.service === 'up', 'filtered monitor up');
      await waitForSnapshot(filtered, (s) => s.readers.length === shown.length && shown.every((n) => s.readers.some((r) => r.name === n)), 'filtered readers');
      await insert({ reader: 0, ...PLAIN_CARD });
      await insert({ reader: 1, ...PLAIN_CARD });
      await waitForSnapshot(monitor, (s) => s.readers.every((r) => r.card !== null), 'cards in both readers (unfiltered)');
      await waitForSnapshot(filtered, (s) => s.readers.every((r) => r.card !== null), 'cards in the shown readers');
      expect(filtered.snapshot().readers.map((r) => r.name)).toEqual(shown);
    } finally {
      await filtered.close();
    }
  });

  it('rereads the card in a reader on demand', async () => {
    const card = await insert({ reader: 0, ...PIV_CARD });
    await waitForSnapshot(monitor, (s) => cardIn(s, READER0)?.identity?.status === 'read', 'first read');
    expect(await monitor.reread(READER0)).toEqual({ atr: PIV_CARD.atr, identifier: { kind: 'piv-guid', value: PIV_CARD_CM_GUID } });
    await card.remove();
    await waitForSnapshot(monitor, (s) => cardIn(s, READER0) === null, 'removal');
    await expect(monitor.reread(READER0)).rejects.toMatchObject({ code: 'PCSC_NO_CARD' });
  });
});
