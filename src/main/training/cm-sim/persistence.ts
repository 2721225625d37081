import { open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { StationError } from '../../../shared/errors';
import { simStateSchema, type SimState } from './state';

/**
 * The simulator's directory on disk, so a training session (or a crash test) survives a restart.
 * Writes are atomic: a reader sees the old file or the new one, never half of one.
 */

/** The saved state, or null when the file does not exist yet. */
export async function loadState(file: string): Promise<SimState | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new StationError('STORAGE_IO', 'The CM simulator could not read its data file.', { file });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // Not JSON: treated like a file that fails its schema below.
    json = undefined;
  }
  const parsed = simStateSchema.safeParse(json);
  if (!parsed.success) {
    throw new StationError('STORAGE_CORRUPT', 'The CM simulator data file is damaged; delete it to start from the seed.', { file });
  }
  return parsed.data;
}

/** Temp file in the same directory (so rename is atomic), fsync it, rename over, fsync the directory. */
export async function saveState(file: string, state: SimState, uniqueSuffix: string): Promise<void> {
  const temp = join(dirname(file), `.${basename(file)}.${uniqueSuffix}.tmp`);
  try {
    // Owner only (as the CA's file): the directory holds the keys the simulated CA archived (state.ts).
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(state, null, 2)}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
    await syncDirectory(dirname(file));
  } catch (err) {
    await rm(temp, { force: true });
    if (err instanceof StationError) throw err;
    throw new StationError('STORAGE_IO', 'The CM simulator could not save its data file.', { file });
  }
}

/** Makes the rename itself durable. Windows cannot open a directory for fsync; there it is skipped. */
async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
