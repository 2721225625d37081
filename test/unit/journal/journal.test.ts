import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type * as realFs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { StationError } from '../../../src/shared/errors';

// Count and break flushes without touching the journal's API: the journal imports node:fs.
const fsControl = vi.hoisted(() => ({ fdatasyncCalls: 0, failNextFlush: false, backgroundFlushes: 0, slowNextSyncFlushMs: 0, clockMs: 0 }));
vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof realFs>();
  return {
    ...actual,
    fdatasync: (fd: number, callback: (err: NodeJS.ErrnoException | null) => void) => {
      fsControl.fdatasyncCalls++;
      fsControl.backgroundFlushes++;
      if (fsControl.failNextFlush) {
        fsControl.failNextFlush = false;
        const err: NodeJS.ErrnoException = new Error('EIO: i/o error, fdatasync');
        err.code = 'EIO';
        callback(err);
        return;
      }
      actual.fdatasync(fd, callback);
    },
    // A batch with nothing queued behind it is flushed on the calling thread (journal.ts `flush`).
    fdatasyncSync: (fd: number) => {
      fsControl.fdatasyncCalls++;
      if (fsControl.failNextFlush) {
        fsControl.failNextFlush = false;
        const err: NodeJS.ErrnoException = new Error('EIO: i/o error, fdatasync');
        err.code = 'EIO';
        throw err;
      }
      actual.fdatasyncSync(fd);
      // A disk that took this long (the test's clock: see 'flushing on the calling thread').
      fsControl.clockMs += fsControl.slowNextSyncFlushMs;
      fsControl.slowNextSyncFlushMs = 0;
    },
  };
});

const { openJournal } = await import('../../../src/main/journal');
const { encodeFrame, encodeTextFrame } = await import('../../../src/main/journal/frame');
const { crc32 } = await import('../../../src/main/journal/crc32');

const recordSchema = z.strictObject({ n: z.number().int(), text: z.string() });
type Rec = z.infer<typeof recordSchema>;
const rec = (n: number): Rec => ({ n, text: `record ${n} ${'x'.repeat(n % 7)}` });

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'journal-test-'));
  path = join(dir, 'test.journal');
  fsControl.fdatasyncCalls = 0;
  fsControl.failNextFlush = false;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function writeRecords(records: Rec[]): Promise<void> {
  const { journal } = await openJournal({ path, schema: recordSchema });
  for (const r of records) await journal.append(r);
  await journal.close();
}

async function openError(): Promise<StationError> {
  try {
    await openJournal({ path, schema: recordSchema });
  } catch (err) {
    expect(err).toBeInstanceOf(StationError);
    return err as StationError;
  }
  throw new Error('open succeeded');
}

/** The file's first `length` bytes, and whether everything after them is zeros (the space written ahead). */
function onDisk(length: number): { records: Buffer; rest: 'zeros' | 'data' } {
  const bytes = readFileSync(path);
  return { records: bytes.subarray(0, length), rest: bytes.subarray(length).every((b) => b === 0) ? 'zeros' : 'data' };
}

function flip(bytes: Buffer, at: number, mask: number): void {
  bytes.writeUInt8(bytes.readUInt8(at) ^ mask, at);
}

function frameOf(record: unknown): Buffer {
  return encodeFrame(Buffer.from(JSON.stringify(record)));
}

describe('crc32', () => {
  it('matches the standard check value', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32(Buffer.alloc(0))).toBe(0);
  });
});

describe('journal append and open', () => {
  it('creates the file and reads back what was appended, in order', async () => {
    await writeRecords([rec(1), rec(2), rec(3)]);
    const { records, recovery, journal } = await openJournal({ path, schema: recordSchema });
    expect(records).toEqual([rec(1), rec(2), rec(3)]);
    expect(recovery.truncatedTail).toBeNull();
    expect(journal.recordCount).toBe(3);
    expect(journal.sizeBytes).toBe(statSync(path).size);
    await journal.close();
  });

  it('has the record on disk when append resolves, in zeros written ahead, and only the records once closed', async () => {
    const { journal } = await openJournal({ path, schema: recordSchema });
    await journal.append(rec(42));
    const frame = frameOf(rec(42));
    expect(onDisk(frame.length)).toEqual({ records: frame, rest: 'zeros' });
    await journal.append(rec(43));
    expect(onDisk(frame.length + frameOf(rec(43)).length)).toEqual({ records: Buffer.concat([frame, frameOf(rec(43))]), rest: 'zeros' });
    await journal.close();
    expect(readFileSync(path)).toEqual(Buffer.concat([frame, frameOf(rec(43))]));
  });

  it('writes the zeros ahead a mebibyte at a time, and appends inside them do not grow the file', async () => {
    const { journal } = await openJournal({ path, schema: recordSchema });
    await journal.append(rec(1));
    const reserved = statSync(path).size;
    expect(reserved).toBe(frameOf(rec(1)).length + (1 << 20));
    for (let n = 2; n < 50; n++) await journal.append(rec(n));
    expect(statSync(path).size).toBe(reserved);
    await journal.close();
    expect((await openJournal({ path, schema: recordSchema })).records).toHaveLength(49);
  });

  it('writes concurrent appends in call order and shares flushes between them (group commit)', async () => {
    const { journal } = await openJournal({ path, schema: recordSchema });
    fsControl.fdatasyncCalls = 0;
    await Promise.all(Array.from({ length: 200 }, (_, i) => journal.append(rec(i))));
    // The first append flushes alone; everything queued meanwhile goes in the next flush.
    expect(fsControl.fdatasyncCalls).toBeLessThanOrEqual(2);
    await journal.close();
    const { records } = await openJournal({ path, schema: recordSchema });
    expect(records.map((r) => r.n)).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });

  it('refuses further appends after a failed flush, and close still works', async () => {
    const { journal } = await openJournal({ path, schema: recordSchema });
    await journal.append(rec(1));
    fsControl.failNextFlush = true;
    await expect(journal.append(rec(2))).rejects.toMatchObject({ code: 'STORAGE_IO', details: { errno: 'EIO' } });
    await expect(journal.append(rec(3))).rejects.toMatchObject({ code: 'STORAGE_IO' });
    await journal.close();
    // The unacknowledged record was cut back off.
    const { records } = await openJournal({ path, schema: recordSchema });
    expect(records).toEqual([rec(1)]);
  });

  it('rejects appends after close', async () => {
    const { journal } = await openJournal({ path, schema: recordSchema });
    await journal.close();
    await expect(journal.append(rec(1))).rejects.toMatchObject({ code: 'STORAGE_IO' });
  });
});

describe('torn tails (crash mid-append)', () => {
  it('cuts off a partial frame header and reports it', async () => {
    await writeRecords([rec(1), rec(2)]);
    const good = statSync(path).size;
    appendFileSync(path, frameOf(rec(3)).subarray(0, 5));
    const { records, recovery, journal } = await openJournal({ path, schema: recordSchema });
    expect(records).toEqual([rec(1), rec(2)]);
    expect(recovery.truncatedTail).toMatchObject({ offset: good, droppedBytes: 5 });
    expect(statSync(path).size).toBe(good);
    // The journal goes on from the cut.
    await journal.append(rec(4));
    await journal.close();
    expect((await openJournal({ path, schema: recordSchema })).records).toEqual([rec(1), rec(2), rec(4)]);
  });

  it('cuts off a frame whose payload did not fully reach the file', async () => {
    await writeRecords([rec(1)]);
    const frame = frameOf(rec(2));
    appendFileSync(path, frame.subarray(0, frame.length - 3));
    const { records, recovery } = await openJournal({ path, schema: recordSchema });
    expect(records).toEqual([rec(1)]);
    expect(recovery.truncatedTail?.droppedBytes).toBe(frame.length - 3);
  });

  it('reads zeros after the last record (written ahead, or left by a file system after a power cut) as the end, and appends into them', async () => {
    await writeRecords([rec(1)]);
    appendFileSync(path, Buffer.alloc(4096));
    const { records, recovery, journal } = await openJournal({ path, schema: recordSchema });
    expect(records).toEqual([rec(1)]);
    expect(recovery.truncatedTail).toBeNull();
    await journal.append(rec(2));
    await journal.close();
    expect(readFileSync(path)).toEqual(Buffer.concat([frameOf(rec(1)), frameOf(rec(2))]));
  });

  it('cuts off a frame header a crash left half written into the zeros ahead', async () => {
    await writeRecords([rec(1)]);
    const header = frameOf(rec(2)).subarray(0, 5);
    appendFileSync(path, Buffer.concat([header, Buffer.alloc(4096)]));
    const { records, recovery } = await openJournal({ path, schema: recordSchema });
    expect(records).toEqual([rec(1)]);
    expect(recovery.truncatedTail?.reason).toBe('an unfinished frame header after the last record');
  });

  it('cuts off a record whose payload a crash left unwritten in the zeros ahead', async () => {
    await writeRecords([rec(1)]);
    const frame = frameOf(rec(2));
    appendFileSync(path, Buffer.concat([frame.subarray(0, 12), Buffer.alloc(frame.length - 12 + 4096)]));
    const { records, recovery } = await openJournal({ path, schema: recordSchema });
    expect(records).toEqual([rec(1)]);
    expect(recovery.truncatedTail?.reason).toBe('checksum mismatch in the last record');
  });

  it('cuts off a last record whose checksum does not match', async () => {
    await writeRecords([rec(1)]);
    const frame = frameOf(rec(2));
    flip(frame, frame.length - 1, 0xff);
    appendFileSync(path, frame);
    const { records, recovery } = await openJournal({ path, schema: recordSchema });
    expect(records).toEqual([rec(1)]);
    expect(recovery.truncatedTail?.reason).toMatch(/checksum/);
  });

  it('recovers the exact prefix of records for a cut at any byte', async () => {
    const all = Array.from({ length: 6 }, (_, i) => rec(i));
    await writeRecords(all);
    const full = readFileSync(path);
    const ends: number[] = [];
    let end = 0;
    for (const r of all) ends.push((end += frameOf(r).length));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: full.length }), async (cut) => {
        writeFileSync(path, full.subarray(0, cut));
        const { records, journal } = await openJournal({ path, schema: recordSchema });
        await journal.close();
        const complete = ends.filter((e) => e <= cut).length;
        expect(records).toEqual(all.slice(0, complete));
        expect(statSync(path).size).toBe(complete === 0 ? 0 : ends[complete - 1]);
      }),
      { numRuns: 150 },
    );
  });
});

describe('corruption', () => {
  it('refuses a damaged record in the middle, names its offset and leaves the file untouched', async () => {
    await writeRecords([rec(1), rec(2), rec(3)]);
    const bytes = readFileSync(path);
    const second = frameOf(rec(1)).length;
    flip(bytes, second + 14, 0x01); // a payload byte of the second record
    writeFileSync(path, bytes);
    const err = await openError();
    expect(err.code).toBe('STORAGE_CORRUPT');
    expect(err.details).toMatchObject({ offset: second, reason: 'checksum mismatch' });
    expect(readFileSync(path)).toEqual(bytes);
  });

  it('refuses a damaged length field instead of treating the rest as a torn tail', async () => {
    await writeRecords([rec(1), rec(2), rec(3)]);
    const bytes = readFileSync(path);
    bytes.writeUInt32LE(1_000_000, 0); // length runs past the end, but its guard no longer matches
    writeFileSync(path, bytes);
    const err = await openError();
    expect(err.code).toBe('STORAGE_CORRUPT');
    expect(err.details).toMatchObject({ offset: 0, reason: 'invalid frame header' });
  });

  it('refuses a record that does not match the schema', async () => {
    writeFileSync(path, Buffer.concat([frameOf(rec(1)), frameOf({ n: 'two' }), frameOf(rec(3))]));
    const err = await openError();
    expect(err.code).toBe('STORAGE_CORRUPT');
    expect(err.details.offset).toBe(frameOf(rec(1)).length);
    expect(String(err.details.reason)).toMatch(/schema/);
  });

  it('refuses a record that is not JSON even when its checksum is right', async () => {
    writeFileSync(path, Buffer.concat([encodeFrame(Buffer.from('{not json')), frameOf(rec(2))]));
    const err = await openError();
    expect(err.details).toMatchObject({ offset: 0, reason: 'record is not JSON' });
  });

  it('never returns altered records when any single byte is flipped', async () => {
    const all = [rec(1), rec(2), rec(3), rec(4)];
    await writeRecords(all);
    const original = readFileSync(path);
    const lastStart = original.length - frameOf(rec(4)).length;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: original.length - 1 }), fc.integer({ min: 1, max: 255 }), async (at, mask) => {
        const bytes = Buffer.from(original);
        flip(bytes, at, mask);
        writeFileSync(path, bytes);
        try {
          const { records, journal } = await openJournal({ path, schema: recordSchema });
          await journal.close();
          // Only damage inside the last record may be taken for an unfinished append.
          expect(at).toBeGreaterThanOrEqual(lastStart);
          expect(records).toEqual(all.slice(0, 3));
        } catch (err) {
          expect(err).toMatchObject({ code: 'STORAGE_CORRUPT' });
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('compaction', () => {
  it('replaces the journal with a snapshot; appends made after it follow the snapshot', async () => {
    const { journal } = await openJournal({ path, schema: recordSchema });
    await Promise.all([journal.append(rec(1)), journal.append(rec(2))]);
    const compacted = journal.compact([rec(10)]);
    const after = journal.append(rec(11));
    await Promise.all([compacted, after]);
    expect(journal.recordCount).toBe(2);
    await journal.close();
    expect((await openJournal({ path, schema: recordSchema })).records).toEqual([rec(10), rec(11)]);
  });

  it('ignores the temp file a crashed compaction left behind', async () => {
    await writeRecords([rec(1)]);
    const temp = join(dir, '.test.journal.tmp');
    writeFileSync(temp, 'half a snapshot');
    const { records } = await openJournal({ path, schema: recordSchema });
    expect(records).toEqual([rec(1)]);
    expect(existsSync(temp)).toBe(false);
  });
});

/**
 * Runs `body` with performance.now (the journal times its flushes with it) on a clock only the test
 * moves, `aheadMs` past the real one: far from any cool-down an earlier test's real disk started.
 */
async function onJournalClock(aheadMs: number, body: () => Promise<void>): Promise<void> {
  fsControl.clockMs = performance.now() + aheadMs;
  const clock = vi.spyOn(performance, 'now').mockImplementation(() => fsControl.clockMs);
  try {
    await body();
  } finally {
    clock.mockRestore();
  }
}

describe('flushing on the calling thread', () => {
  it('flushes lone appends in place once a background flush saw nothing else come, in the background for a while after a slow flush', async () => {
    // Only a slow flush moves this clock.
    await onJournalClock(3_600_000, async () => {
      const { journal } = await openJournal({ path, schema: recordSchema });
      fsControl.backgroundFlushes = 0;
      await journal.append(rec(1)); // the first flush: in the background, and nothing else came
      await journal.append(rec(2));
      await journal.append(rec(3));
      expect(fsControl.backgroundFlushes).toBe(1);
      fsControl.slowNextSyncFlushMs = 30;
      await journal.append(rec(4)); // slow: the next second goes to the pool
      await journal.append(rec(5));
      await journal.append(rec(6));
      expect(fsControl.backgroundFlushes).toBe(3);
      fsControl.clockMs += 1_001;
      fsControl.slowNextSyncFlushMs = 30;
      await journal.append(rec(7)); // in place again, and slow again: two seconds now
      expect(fsControl.backgroundFlushes).toBe(3);
      fsControl.clockMs += 1_001;
      await journal.append(rec(8));
      expect(fsControl.backgroundFlushes).toBe(4);
      fsControl.clockMs += 1_000;
      await journal.append(rec(9)); // fast: back to the short cool-down
      await journal.append(rec(10));
      expect(fsControl.backgroundFlushes).toBe(4);
      await journal.close();
      const { records } = await openJournal({ path, schema: recordSchema });
      expect(records).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(rec));
    });
  });
});

describe("progress records ('with-next') and appends nobody waits for", () => {
  it('writes a progress record at once without a flush; the next durable append flushes it with its own', async () => {
    const { journal } = await openJournal({ path, schema: recordSchema });
    await journal.append(rec(1));
    fsControl.fdatasyncCalls = 0;
    await journal.append(rec(2), { flush: 'with-next' });
    await journal.append(rec(3), { flush: 'with-next' });
    // Written in order (readable by anyone who opens the file now), but no flush was paid for them.
    expect(fsControl.fdatasyncCalls).toBe(0);
    const written = Buffer.concat([rec(1), rec(2), rec(3)].map(frameOf));
    expect(onDisk(written.length)).toEqual({ records: written, rest: 'zeros' });
    await journal.append(rec(4));
    expect(fsControl.fdatasyncCalls).toBe(1);
    await journal.close();
    const { records } = await openJournal({ path, schema: recordSchema });
    expect(records).toEqual([1, 2, 3, 4].map(rec));
  });

  it('flushes what is still unflushed when it closes, and only then', async () => {
    const { journal } = await openJournal({ path, schema: recordSchema });
    await journal.append(rec(1), { flush: 'with-next' });
    fsControl.fdatasyncCalls = 0;
    await journal.close();
    expect(fsControl.fdatasyncCalls).toBe(1);
    const again = await openJournal({ path, schema: recordSchema });
    expect(again.records).toEqual([rec(1)]);
    fsControl.fdatasyncCalls = 0;
    await again.journal.close();
    expect(fsControl.fdatasyncCalls).toBe(0);
  });

  it('keeps a progress record written before a compaction only through the snapshot', async () => {
    const { journal } = await openJournal({ path, schema: recordSchema });
    await journal.append(rec(1), { flush: 'with-next' });
    await journal.compact([rec(9)]);
    fsControl.fdatasyncCalls = 0;
    await journal.close();
    // The snapshot replaced the file durably: nothing is left to flush.
    expect(fsControl.fdatasyncCalls).toBe(0);
    expect((await openJournal({ path, schema: recordSchema })).records).toEqual([rec(9)]);
  });

  it('never flushes an append nobody waits for on the calling thread, even when callers come one at a time', async () => {
    await onJournalClock(7_200_000, async () => {
      const { journal } = await openJournal({ path, schema: recordSchema });
      await journal.append(rec(1));
      await journal.append(rec(2)); // lone callers: flushed in place from here on
      fsControl.backgroundFlushes = 0;
      await journal.append(rec(3), { background: true });
      await journal.append(rec(4), { background: true });
      expect(fsControl.backgroundFlushes).toBe(2);
      await journal.append(rec(5));
      expect(fsControl.backgroundFlushes).toBe(2);
      await journal.close();
      expect((await openJournal({ path, schema: recordSchema })).records).toEqual([1, 2, 3, 4, 5].map(rec));
    });
  });
});

describe('callers that start to come together', () => {
  it('hand the flushes to the pool as soon as one batch holds several records', async () => {
    await onJournalClock(10_800_000, async () => {
      const { journal } = await openJournal({ path, schema: recordSchema });
      await journal.append(rec(1)); // the first flush: in the background, nothing else came
      fsControl.backgroundFlushes = 0;
      await journal.append(rec(2)); // lone: in place
      expect(fsControl.backgroundFlushes).toBe(0);
      await Promise.all([journal.append(rec(3)), journal.append(rec(4)), journal.append(rec(5))]);
      expect(fsControl.backgroundFlushes).toBe(1);
      await journal.close();
      expect((await openJournal({ path, schema: recordSchema })).records).toEqual([1, 2, 3, 4, 5].map(rec));
    });
  });
});

describe('looking again whether callers still come one at a time', () => {
  it('looks after 64 flushes in place, then after twice as many each time they are still alone, and after 64 again once a batch shows company', async () => {
    await onJournalClock(14_400_000, async () => {
      const { journal } = await openJournal({ path, schema: recordSchema });
      let n = 0;
      const lone = async (count: number) => {
        for (let i = 0; i < count; i++) await journal.append(rec(n++));
      };
      fsControl.backgroundFlushes = 0;
      await lone(1); // the first flush: a look
      await lone(64);
      expect(fsControl.backgroundFlushes).toBe(1);
      await lone(1); // the 65th: a look, still alone
      await lone(128);
      expect(fsControl.backgroundFlushes).toBe(2);
      await lone(1); // a look after 128
      expect(fsControl.backgroundFlushes).toBe(3);
      await Promise.all([journal.append(rec(n++)), journal.append(rec(n++))]); // company: to the pool
      expect(fsControl.backgroundFlushes).toBe(4);
      await lone(64); // the pool saw nobody else: in place from the next one, looking after 64 again
      expect(fsControl.backgroundFlushes).toBe(4);
      await lone(1);
      expect(fsControl.backgroundFlushes).toBe(5);
      await journal.close();
      expect((await openJournal({ path, schema: recordSchema })).records).toHaveLength(n);
    });
  });
});

describe('a record framed from its text', () => {
  it('is byte for byte the frame of its UTF-8 bytes, for any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1, maxLength: 300 }), (text) => {
        expect(encodeTextFrame(text)).toEqual(encodeFrame(Buffer.from(text, 'utf8')));
      }),
    );
  });
});
