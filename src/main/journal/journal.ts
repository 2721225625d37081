/**
 * The station's durable storage: an append-only journal of framed JSON records, fdatasync'd before
 * an append resolves.
 *
 * Why this and not SQLite in WAL mode: SQLite would be a native module (better-sqlite3) that has to
 * be rebuilt for every Electron ABI and every target platform, on top of the PC/SC addon we already
 * rebuild. What the outbox and the audit log need is small: append a record durably, read all
 * records back at start-up, occasionally rewrite a snapshot. That is one `writeSync` + `fdatasync`
 * per batch, which we control completely and can crash-test ourselves (test/crash), with no query
 * planner, page cache or locking protocol in between. The data is small (hundreds of operations, an
 * audit trail of a badge office), so rebuilding state in memory at start-up is cheap.
 *
 * Guarantees:
 * - `append` resolves only after the record's bytes are on disk (fdatasync), unless its caller
 *   asked for a progress record ('with-next', AppendOptions). Appends issued while a flush is
 *   running are written together and share the next fdatasync (group commit), so concurrent
 *   callers do not pay one disk flush each. Records go into zeros written ahead (RESERVE_BYTES), so
 *   a flush carries the data without a new file size; zeros after the records read as the end.
 * - Opening validates every record (length guard, CRC-32, JSON, the caller's zod schema). An
 *   unfinished append at the end (crash mid-write) was never acknowledged: it is cut off and
 *   reported. Any other damage is a STORAGE_CORRUPT error naming the offset; nothing is dropped.
 * - `compact` replaces the file with a snapshot via temp file + fsync + rename + directory fsync, so
 *   a crash leaves either the old journal or the new one.
 * - After a failed write or flush the journal refuses further appends (STORAGE_IO): after a failed
 *   fsync the kernel may have dropped the dirty pages, so only a reopen can tell what is on disk.
 */
import { closeSync, existsSync, fchmodSync, fdatasync, fdatasyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { z } from 'zod';
import { StationError } from '../../shared/errors';
import { fsyncDirectory, renameDurably, storageIoError, tempPathFor, writeAllSync, writeTempDurably } from './durable-fs';
import { encodeTextFrame, readFrame } from './frame';
import { reportFailure } from '../common';

export interface JournalRecovery {
  /** Set when open cut off an unfinished append at the end of the file. */
  truncatedTail: { offset: number; droppedBytes: number; reason: string } | null;
}

export interface OpenJournalOptions<T> {
  path: string;
  /** Every record read back is parsed with this; a record that does not fit is STORAGE_CORRUPT. */
  schema: z.ZodType<T>;
}

/** When an append reaches the disk: see AppendOptions. */
export type FlushWhen = 'now' | 'with-next';

/** How an append reaches the disk; by default it is on disk (fdatasync) when the append resolves. */
export interface AppendOptions {
  /**
   * 'with-next': a progress record that a crash may lose, because its writer recovers by redoing
   * work (an idempotent card step of an issuance). It is written at once, in order, and the append
   * resolves then; it reaches the disk with the next 'now' append's fdatasync (or at close). Records
   * are whole states, so a crash leaves the last record flushed before it: an earlier state, never a
   * mix. Everything whose loss would change what happens next (before an act that must not be
   * repeated, before the operator is told) stays 'now'.
   */
  flush?: FlushWhen;
  /**
   * Nobody waits for this record (an audit note written after the fact): its flush never runs on
   * the calling thread, so it never holds up the event loop (see `flush` below).
   */
  background?: boolean;
}

export interface Journal<T> {
  /** Resolves once the record is on disk (see AppendOptions for the exceptions a caller may ask for). */
  append(record: T, options?: AppendOptions): Promise<void>;
  /** Replace the whole journal with `records`, atomically; appends issued later follow them. */
  compact(records: readonly T[]): Promise<void>;
  /** Records in the file now (loaded + appended since the last compaction). */
  readonly recordCount: number;
  readonly sizeBytes: number;
  /** Waits for queued appends, then closes the file. */
  close(): Promise<void>;
}

export interface OpenedJournal<T> {
  journal: Journal<T>;
  records: T[];
  recovery: JournalRecovery;
}

type Settle = { resolve: () => void; reject: (err: StationError) => void };
type Task<T> =
  | ({ kind: 'append'; frame: Buffer; flush: FlushWhen; background: boolean } & Settle)
  | ({ kind: 'compact'; records: readonly T[] } & Settle)
  | ({ kind: 'close' } & Settle);

function corrupt(path: string, offset: number, reason: string): StationError {
  return new StationError(
    'STORAGE_CORRUPT',
    `The station's data file is damaged at byte ${offset} (${reason}). It was left untouched; ask IT to restore it from backup or inspect it.`,
    { path, offset, reason },
  );
}

function encodeRecord(record: unknown): Buffer {
  return encodeTextFrame(JSON.stringify(record));
}

/** Every whole record in `data`, and where an unfinished append at the end begins (read-only.ts reads this way too). */
export function parseRecords<T>(path: string, data: Buffer, schema: z.ZodType<T>) {
  const records: T[] = [];
  let offset = 0;
  for (;;) {
    const read = readFrame(data, offset);
    if (read.kind === 'end') return { records, validLength: offset, torn: null };
    if (read.kind === 'torn') return { records, validLength: offset, torn: read.reason };
    if (read.kind === 'corrupt') throw corrupt(path, offset, read.reason);
    let json: unknown;
    try {
      json = JSON.parse(read.payload.toString('utf8'));
    } catch {
      // Translated: STORAGE_CORRUPT names the offset.
      throw corrupt(path, offset, 'record is not JSON');
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw corrupt(path, offset, `record does not match its schema: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}`);
    }
    records.push(parsed.data);
    offset = read.next;
  }
}

function createEmptyFile(path: string): void {
  try {
    // Owner-only (0700 folder, 0600 file on POSIX; on Windows the profile's inherited ACL applies):
    // the records name people and cards.
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const fd = openSync(path, 'wx', 0o600);
    try {
      fdatasyncSync(fd);
    } finally {
      closeSync(fd);
    }
    fsyncDirectory(dirname(path));
  } catch (err) {
    throw storageIoError('create', path, err);
  }
}

/** Closing after a failure: the failure is what the caller needs to hear about. */
function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already reporting the original error
  }
}

/**
 * How a batch reaches the disk. fdatasync on libuv's thread pool keeps the event loop free while the
 * disk works, but every flush then pays a hand-off to a pool thread and a wake-up back on the main
 * thread: about 100 µs on a busy machine, a third of a fast disk's whole flush (bench/outbox.ts (a),
 * one enqueue at a time was 0.61 of a bare `fdatasyncSync` loop). So when the journal's callers come
 * one at a time (an operator's enqueue: nothing else is written meanwhile, and the caller waits for
 * this very flush), the flush runs on the calling thread instead. When they come together (a replay:
 * several sends' records, and sockets to serve), the pool keeps the event loop free and the records
 * that arrive during one flush share the next (group commit). Which one it is, the journal learns
 * from its background flushes: did anything arrive while one ran? (createJournal's `lone`). A batch
 * of more than one record shows it at once; otherwise a flush now and then goes to the pool to look
 * again (PROBE_EVERY; each look costs the hand-off above, so it is rare).
 *
 * The bound: a synchronous flush that takes longer than SYNC_FLUSH_BUDGET_MS sends every journal's
 * flushes to the thread pool for a cool-down (1 s, doubling while the flush that ends it is slow
 * again, up to a minute; back to 1 s after a fast one). A disk with the odd slow flush (this shared
 * machine: 2 in 2,000 over 25 ms) loses the fast path for a second; a slow or stalling one (a
 * network profile, a dying USB stick) blocks the event loop for one flush, then at most once a
 * minute. The UI, PC/SC events and CM calls keep running during the pool flushes. Durability is the
 * same either way: the append resolves only after fdatasync has returned.
 */
/** Below what an operator notices as a stalled screen; a fast disk flushes in 0.2-5 ms. */
const SYNC_FLUSH_BUDGET_MS = 25;
const SYNC_FLUSH_COOLDOWN_MS = { first: 1_000, max: 60_000 };
/** Shared by every journal: they live on the same disk. */
const syncFlush = { allowedFrom: 0, cooldownMs: SYNC_FLUSH_COOLDOWN_MS.first };

/**
 * A journal flushing in place checks every so many flushes that its callers still come one at a
 * time: after 64 at first, then twice as many after each look that finds them still alone, up to
 * 1,024; any sign of company (a batch of several records, a look that finds one) starts again at
 * 64. At a fixed 16 the looks cost 0.05 of the one-at-a-time rate (bench/outbox.ts (a)); a run of
 * callers that start to come together shows itself at once by its batches.
 */
const PROBE_EVERY = { first: 64, max: 1_024 };

function flushInBackground(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fdatasync(fd, (err) => (err ? reject(err) : resolve())));
}

/** Flushes `fd`; `inPlace`: the caller would have it on the calling thread (see above). */
async function flush(fd: number, inPlace: boolean): Promise<void> {
  const started = performance.now();
  if (!inPlace || started < syncFlush.allowedFrom) return flushInBackground(fd);
  fdatasyncSync(fd);
  const finished = performance.now();
  if (finished - started <= SYNC_FLUSH_BUDGET_MS) {
    syncFlush.cooldownMs = SYNC_FLUSH_COOLDOWN_MS.first;
    return;
  }
  syncFlush.allowedFrom = finished + syncFlush.cooldownMs;
  syncFlush.cooldownMs = Math.min(syncFlush.cooldownMs * 2, SYNC_FLUSH_COOLDOWN_MS.max);
}

export async function openJournal<T>(options: OpenJournalOptions<T>): Promise<OpenedJournal<T>> {
  const { path, schema } = options;
  try {
    // A compaction that crashed before its rename leaves a temp file; the journal itself is intact.
    rmSync(tempPathFor(path), { force: true });
  } catch (err) {
    throw storageIoError('clean up', path, err);
  }
  if (!existsSync(path)) createEmptyFile(path);

  let data: Buffer;
  let fd: number;
  try {
    fd = openSync(path, 'r+');
    // A journal an older version created 0644 is tightened to owner-only.
    if (process.platform !== 'win32') fchmodSync(fd, 0o600);
    data = readFileSync(fd);
  } catch (err) {
    throw storageIoError('read', path, err);
  }

  let scan: ReturnType<typeof parseRecords<T>>;
  try {
    scan = parseRecords(path, data, schema);
  } catch (err) {
    closeQuietly(fd);
    throw err;
  }

  const recovery: JournalRecovery = { truncatedTail: null };
  if (scan.torn !== null) {
    try {
      ftruncateSync(fd, scan.validLength);
      fdatasyncSync(fd);
    } catch (err) {
      closeQuietly(fd);
      throw storageIoError('repair', path, err);
    }
    recovery.truncatedTail = { offset: scan.validLength, droppedBytes: data.length - scan.validLength, reason: scan.torn };
  }

  // Zeros after the records (readFrame: the end) are space written ahead: appends go into it.
  const allocated = scan.torn === null ? data.length : scan.validLength;
  return { journal: createJournal(path, fd, { size: scan.validLength, allocated, count: scan.records.length }), records: scan.records, recovery };
}

/**
 * Space the journal writes ahead of its records, as zeros (never a sparse extension): an append
 * inside it changes neither the file's size nor its block map, so its fdatasync carries the data
 * alone, without the inode update an append at the end of the file needs. On this machine's ext4
 * that is 84-92 µs a flush instead of 111-116 (an appending `write` + `fdatasync` loop beside one
 * writing into flushed zeros). Renewed a mebibyte at a time (the growing append pays the inode
 * update then, once per about 2,000 outbox records); cut back when the journal closes.
 */
const RESERVE_BYTES = 1 << 20;
let reserveZeros: Buffer | null = null;

function createJournal<T>(path: string, initialFd: number, initial: { size: number; allocated: number; count: number }): Journal<T> {
  let fd: number | null = initialFd;
  /** Where the records end; `allocated`: where the file ends (zeros in between). */
  let size = initial.size;
  let allocated = initial.allocated;
  let recordCount = initial.count;
  /** Set once a write or flush has failed, or the journal was closed: every later task is refused with it. */
  let refusal: StationError | null = null;
  const queue: Task<T>[] = [];
  let draining = false;
  /**
   * Callers come one at a time: nothing arrived during the last background flush. Until a flush has
   * shown it, and again after `probeEvery` flushes in place (callers may have started to come
   * together), the flush goes to the pool.
   */
  let lone = false;
  let inPlaceFlushes = 0;
  let probeEvery = PROBE_EVERY.first;
  /** 'with-next' records are written but not yet flushed: close flushes them. */
  let unflushed = false;

  function closeFd(): void {
    if (fd === null) return;
    const open = fd;
    fd = null;
    // Nothing is pending on it (every write was flushed or refused), so there is nothing to lose.
    closeQuietly(open);
  }

  async function writeBatch(target: number, batch: Array<Extract<Task<T>, { kind: 'append' }>>): Promise<void> {
    const bytes = batch.length === 1 ? batch[0]!.frame : Buffer.concat(batch.map((task) => task.frame));
    try {
      const end = size + bytes.length;
      if (end > allocated) {
        reserveZeros ??= Buffer.alloc(RESERVE_BYTES);
        writeAllSync(target, reserveZeros, end);
        allocated = end + RESERVE_BYTES;
      }
      writeAllSync(target, bytes, size);
      if (batch.some((task) => task.flush === 'now')) {
        const waited = batch.some((task) => !task.background);
        // Several records in one batch: callers come together, so the pool's group commit serves them.
        if (batch.length > 1) {
          lone = false;
          probeEvery = PROBE_EVERY.first;
        }
        const inPlace = waited && lone && queue.length === 0 && inPlaceFlushes < probeEvery;
        const probing = waited && lone && !inPlace;
        inPlaceFlushes = inPlace ? inPlaceFlushes + 1 : 0;
        await flush(target, inPlace);
        if (!inPlace) {
          lone = queue.length === 0;
          if (!lone) probeEvery = PROBE_EVERY.first;
          else if (probing) probeEvery = Math.min(probeEvery * 2, PROBE_EVERY.max);
        }
        unflushed = false;
      } else unflushed = true;
    } catch (err) {
      refusal = storageIoError('write', path, err);
      // Best effort: do not leave half a batch for the next append to build on.
      try {
        ftruncateSync(target, size);
        allocated = size;
      } catch {
        // the refusal above already stops every later write
      }
      throw refusal;
    }
    size += bytes.length;
    recordCount += batch.length;
  }

  /**
   * Runs as one task of the queue, so no append interleaves with the snapshot. Its flushes are
   * synchronous: compaction is rare and small, and it keeps the file handle swap in one step.
   */
  function compactNow(records: readonly T[]): void {
    if (fd === null) throw storageIoError('write', path, new Error('closed'));
    const bytes = Buffer.concat(records.map(encodeRecord));
    // Until the rename, a failure leaves the current journal in use and untouched.
    const temp = writeTempDurably(path, bytes);
    try {
      // Windows cannot rename over a file that is still open.
      closeFd();
      renameDurably(temp, path);
      fd = openSync(path, 'r+');
    } catch (err) {
      refusal = err instanceof StationError ? err : storageIoError('replace', path, err);
      throw refusal;
    }
    size = bytes.length;
    allocated = size;
    recordCount = records.length;
    // The snapshot is on disk whole: nothing written before it waits for a flush any more.
    unflushed = false;
  }

  function settle(tasks: Settle[], err: unknown): void {
    for (const task of tasks) {
      if (err === null) task.resolve();
      else task.reject(err instanceof StationError ? err : storageIoError('write', path, err));
    }
  }

  async function drain(): Promise<void> {
    draining = true;
    while (queue.length > 0) {
      const head = queue[0]!;
      if (refusal !== null || fd === null) {
        const reason = refusal ?? storageIoError('write', path, new Error('closed'));
        for (const task of queue.splice(0)) {
          if (task.kind === 'close') {
            closeFd();
            task.resolve();
          } else task.reject(reason);
        }
        break;
      }
      if (head.kind === 'append') {
        let n = 1;
        while (n < queue.length && queue[n]!.kind === 'append') n++;
        const batch = queue.splice(0, n) as Array<Extract<Task<T>, { kind: 'append' }>>;
        try {
          await writeBatch(fd, batch);
          settle(batch, null);
        } catch (err) {
          settle(batch, err);
        }
        continue;
      }
      queue.shift();
      try {
        if (head.kind === 'compact') compactNow(head.records);
        else {
          refusal = new StationError('STORAGE_IO', 'The data file is closed.', { path });
          // What was written 'with-next' reaches the disk now: a clean stop loses nothing.
          const pending = unflushed;
          unflushed = false;
          try {
            if (pending && fd !== null) fdatasyncSync(fd);
            // The space written ahead goes: a closed journal is its records and nothing else.
            if (fd !== null && allocated > size) ftruncateSync(fd, size);
          } finally {
            closeFd();
          }
        }
        settle([head], null);
      } catch (err) {
        settle([head], err);
      }
    }
    draining = false;
  }

  function enqueue(task: Task<T>): void {
    queue.push(task);
    if (draining) return;
    // Started once the current call stack and its promise continuations are done, not now: appends
    // issued meanwhile (many callers at once) then share one flush, even a synchronous one.
    draining = true;
    process.nextTick(() => {
      drain().catch(reportFailure('journal: write queue'));
    });
  }

  return {
    append(record, options = {}) {
      const frame = encodeRecord(record);
      const { flush = 'now', background = false } = options;
      return new Promise((resolve, reject) => enqueue({ kind: 'append', frame, flush, background, resolve, reject }));
    },
    compact(records) {
      return new Promise((resolve, reject) => enqueue({ kind: 'compact', records: [...records], resolve, reject }));
    },
    get recordCount() {
      return recordCount;
    },
    get sizeBytes() {
      return size;
    },
    close() {
      return new Promise((resolve, reject) => enqueue({ kind: 'close', resolve, reject }));
    },
  };
}
