import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { StationError } from '../../shared/errors';

/** Wrap a Node fs failure in the station's error type, keeping the errno code for diagnostics. */
export function storageIoError(action: string, path: string, err: unknown): StationError {
  const errno = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : 'unknown';
  return new StationError('STORAGE_IO', `The station could not ${action} its data file (${errno}).`, { path, errno });
}

/** Write the whole buffer at `position`: writeSync may write less than asked (e.g. a full disk). */
export function writeAllSync(fd: number, data: Buffer, position: number): void {
  let written = 0;
  while (written < data.length) {
    written += writeSync(fd, data, written, data.length - written, position + written);
  }
}

/**
 * Make a rename or a file creation itself durable: on POSIX the directory entry lives in the
 * directory, which has to be fsync'd separately. Windows cannot open a directory for flushing; NTFS
 * journals its metadata, so the rename is durable there once MoveFileEx returns.
 */
export function fsyncDirectory(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The temp file next to `path` that an interrupted replace may leave behind. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp`);
}

/** Write `data` to a fresh temp file and flush it; the target is not touched yet. */
export function writeTempDurably(path: string, data: Buffer): string {
  const temp = tempPathFor(path);
  try {
    // Owner-only, like everything the station keeps (the rename keeps the temp file's mode).
    const fd = openSync(temp, 'w', 0o600);
    try {
      writeAllSync(fd, data, 0);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    return temp;
  } catch (err) {
    rmSync(temp, { force: true });
    throw storageIoError('write', path, err);
  }
}

/** Put a flushed temp file in place of `path` and make the rename itself durable. */
export function renameDurably(temp: string, path: string): void {
  try {
    renameSync(temp, path);
    fsyncDirectory(dirname(path));
  } catch (err) {
    throw storageIoError('replace', path, err);
  }
}

/**
 * Replace `path` with `data` so a crash leaves either the old or the new content, never a mix:
 * temp file + fsync + rename + fsync of the directory.
 */
export function replaceFileDurably(path: string, data: Buffer): void {
  renameDurably(writeTempDurably(path, data), path);
}

/**
 * replaceFileDurably with every write and flush on libuv's pool: for a small file rewritten in the
 * background (the audit chain's anchor), whose three flushes would otherwise hold up the event loop
 * for milliseconds. The caller runs one at a time (they share the temp file).
 */
export async function replaceFileDurablyInBackground(path: string, data: Buffer): Promise<void> {
  const temp = tempPathFor(path);
  try {
    const file = await open(temp, 'w', 0o600);
    try {
      await file.writeFile(data);
      await file.sync();
    } finally {
      await file.close();
    }
  } catch (err) {
    await rm(temp, { force: true });
    throw storageIoError('write', path, err);
  }
  try {
    await rename(temp, path);
    // As fsyncDirectory: Windows cannot flush a directory, and NTFS journals the rename.
    if (process.platform !== 'win32') {
      const dir = await open(dirname(path), 'r');
      try {
        await dir.sync();
      } finally {
        await dir.close();
      }
    }
  } catch (err) {
    throw storageIoError('replace', path, err);
  }
}

/**
 * Create (or tighten) a folder of the station's own data so only its user can enter it: 0700 on
 * POSIX, also when it already existed with a looser mode. On Windows the user profile's inherited
 * ACL already limits it to the user, SYSTEM and administrators.
 */
export function ensurePrivateDir(dir: string, platform: NodeJS.Platform = process.platform): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (platform !== 'win32') chmodSync(dir, 0o700);
  } catch (err) {
    throw storageIoError('create the folder of', dir, err);
  }
}
