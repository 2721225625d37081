// Size-based rotation for the diagnostic log: station.1.log, station.2.log, …, keeping the newest few.
//
// The station's own writer, where pino (pino.destination, sonic-boom) and pino-roll were: lines are
// appended in order, one write at a time through fs promises (off the event loop), and what arrives
// meanwhile goes out with the next write. pino-roll loaded date-fns (about 300 files) for date-named
// and time-based modes the station does not use, a fifth of its own start-up; pino itself was 37
// modules and about 18 ms of the main thread at every start (issue 19 item 7, bench/startup.ts) for
// what the station needs of it: one JSON line per entry (diagnostic-log.ts). The rotation keeps
// pino-roll 4's behaviour: continue the highest-numbered file after a restart; once a file reaches the
// size, the next lines go to the next number; then the oldest files beyond `keepFiles` are removed.
import { type FileHandle, open, readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/** The log file as the diagnostic log writes to it. */
export interface RollingFile {
  /** Queues one line (its newline included); lines are written in order. Never throws. */
  write(line: string): void;
  /** Writes what is queued, then closes the file (idempotent); later lines are dropped. */
  close(): Promise<void>;
}

export interface RollingFileOptions {
  readonly dir: string;
  /** `station` gives station.1.log, station.2.log, … */
  readonly basename: string;
  readonly maxFileBytes: number;
  /** Files kept in all, the current one included (as pino-roll's `limit.count` with `removeOtherLogFiles`). */
  readonly keepFiles: number;
  readonly mode: number;
  /** A file that cannot be opened, written or removed (a full or removed disk): reported here, never thrown. */
  readonly onError: (err: unknown) => void;
  /** Epoch ms; tests move it. */
  readonly now?: () => number;
}

/**
 * A file that could not be opened (a full disk, a folder taken away) is tried again with the first
 * line written this long after the failure, so a disk that comes back gets its log back without a
 * restart, and a disk that stays broken is reported twice a minute at most.
 */
export const REOPEN_AFTER_MS = 30_000;

/** The numbers of this log's files in `dir`, lowest first (other files are ignored). */
async function logFileNumbers(dir: string, basename: string): Promise<number[]> {
  const pattern = new RegExp(`^${basename.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d+)\\.log$`);
  const numbers: number[] = [];
  for (const name of await readdir(dir)) {
    const match = pattern.exec(name);
    if (match) numbers.push(Number(match[1]));
  }
  return numbers.sort((a, b) => a - b);
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    // No file yet (first start, or removed by hand): it is created empty.
    return 0;
  }
}

/** Opens (or continues) the newest file in `dir`; `dir` must exist. */
export async function openRollingFile(options: RollingFileOptions): Promise<RollingFile> {
  const fileFor = (n: number) => join(options.dir, `${options.basename}.${n}.log`);
  let number = (await logFileNumbers(options.dir, options.basename)).at(-1) ?? 1;
  let size = await sizeOf(fileFor(number));

  const now = options.now ?? Date.now;
  /** When a file that could not be opened is tried again (REOPEN_AFTER_MS). */
  let reopenAt = 0;
  /** The file for the next lines; null when it could not be opened (reported; those lines are lost). */
  const openFile = async (): Promise<FileHandle | null> => {
    try {
      return await open(fileFor(number), 'a', options.mode);
    } catch (err) {
      reopenAt = now() + REOPEN_AFTER_MS;
      options.onError(err);
      return null;
    }
  };
  let file = await openFile();

  // A file that cannot be removed now (Windows: still open elsewhere) is tried again at the next roll.
  const removeOldFiles = async () => {
    const numbers = await logFileNumbers(options.dir, options.basename);
    const old = numbers.slice(0, Math.max(0, numbers.length - options.keepFiles));
    await Promise.allSettled(old.map((n) => unlink(fileFor(n))));
  };

  const roll = async () => {
    await file?.close().catch(options.onError);
    number += 1;
    size = 0;
    file = await openFile();
    await removeOldFiles().catch(options.onError);
  };

  const queue: string[] = [];
  let writing = false;
  let written: Promise<void> = Promise.resolve();
  // One write at a time, in order; `writing` is cleared in the same step that finds the queue empty.
  const writeQueued = async (): Promise<void> => {
    try {
      while (queue.length > 0) {
        const chunk = queue.splice(0).join('');
        if (file === null && now() >= reopenAt) file = await openFile();
        if (file === null) continue;
        try {
          await file.appendFile(chunk);
          size += Buffer.byteLength(chunk);
        } catch (err) {
          options.onError(err);
        }
        if (size >= options.maxFileBytes) await roll();
      }
    } finally {
      writing = false;
    }
  };

  let closed: Promise<void> | null = null;
  return {
    write(line) {
      if (closed !== null) return;
      queue.push(line);
      if (writing) return;
      writing = true;
      written = writeQueued();
    },
    close: () =>
      (closed ??= (async () => {
        await written;
        await file?.close().catch(options.onError);
        file = null;
      })()),
  };
}
