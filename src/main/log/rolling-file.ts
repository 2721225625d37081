// Size-based rotation for the diagnostic log: station.1.log, station.2.log, …, keeping the newest few.
//
// Why not pino-roll (which this replaces): it loads date-fns (about 300 files) for its date-named and
// time-based modes, which the station does not use, and that was a fifth of the station's own
// start-up (issue 19 item 7). What is left is small: the stream is pino's own sonic-boom
// (`pino.destination`), and the rotation keeps pino-roll 4's behaviour: continue the highest-numbered
// file after a restart; once a file reaches the size, the next line after the stream drains goes to
// the next number; then the oldest files beyond `keepFiles` are removed.
import { readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';

export type RollingFile = ReturnType<typeof pino.destination>;

export interface RollingFileOptions {
  readonly dir: string;
  /** `station` gives station.1.log, station.2.log, … */
  readonly basename: string;
  readonly maxFileBytes: number;
  /** Files kept in all, the current one included (as pino-roll's `limit.count` with `removeOtherLogFiles`). */
  readonly keepFiles: number;
  readonly mode: number;
}

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

/** Opens (or continues) the newest file in `dir`; `dir` must exist. Errors are emitted as the stream's 'error'. */
export async function openRollingFile(options: RollingFileOptions): Promise<RollingFile> {
  const fileFor = (n: number) => join(options.dir, `${options.basename}.${n}.log`);
  let number = (await logFileNumbers(options.dir, options.basename)).at(-1) ?? 1;
  let fileName = fileFor(number);
  let currentSize = await sizeOf(fileName);
  const destination = pino.destination({ dest: fileName, mode: options.mode, mkdir: true, sync: false });
  // Fields sonic-boom sets at run time that its type declarations leave out.
  const state = destination as unknown as { readonly destroyed: boolean; readonly file: string };
  let closing = false;
  destination.once('close', () => {
    closing = true;
  });

  // A file that cannot be removed now (Windows: still open elsewhere) is tried again at the next roll.
  const removeOldFiles = async () => {
    const numbers = await logFileNumbers(options.dir, options.basename);
    const old = numbers.slice(0, Math.max(0, numbers.length - options.keepFiles));
    await Promise.allSettled(old.map((n) => unlink(fileFor(n))));
  };

  const roll = () => {
    if (state.destroyed || closing) return;
    // What is buffered belongs to the full file: write it there before switching.
    destination.flush((err) => {
      if (err) {
        destination.emit('error', err);
        return;
      }
      if (state.destroyed || closing) return;
      try {
        destination.reopen(fileName);
      } catch (error) {
        destination.emit('error', error);
        return;
      }
      removeOldFiles().catch((error: unknown) => destination.emit('error', error));
    });
  };

  destination.on('write', (written: number) => {
    currentSize += written;
    if (fileName === state.file && currentSize >= options.maxFileBytes) {
      currentSize = 0;
      fileName = fileFor(++number);
      // Let the write in progress finish first.
      destination.once('drain', roll);
    }
  });
  return destination;
}
