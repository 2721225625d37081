import * as nodeFs from 'node:fs';
import { dirname } from 'node:path';
import { StationError } from '../../shared/errors';
import type { UserSettings } from '../../shared/settings';

/**
 * Where the operator's own settings live. The Electron shell may back this with electron-store;
 * under Node (host, tests) it is the JSON file below. Validation is the settings service's job, so
 * every backend behaves the same on bad data.
 */
export interface SettingsStore {
  /**
   * The saved values, not yet validated; undefined when nothing has been saved. Throws
   * StationError SETTINGS_INVALID when the stored data is not JSON, STORAGE_IO when it cannot be read.
   */
  get(): unknown;
  /** Replace the saved values durably. Throws StationError STORAGE_IO. */
  set(values: UserSettings): void;
  /**
   * Move unusable stored data out of the way (kept, not deleted, so IT can see what it was) so the
   * next set() starts clean. Returns where it went. Throws StationError STORAGE_IO.
   */
  setAside(): string;
}

/** The slice of node:fs the file store uses (injected so tests can fail any step). */
export type SettingsFileSystem = Pick<
  typeof nodeFs,
  'readFileSync' | 'openSync' | 'writeFileSync' | 'fsyncSync' | 'closeSync' | 'renameSync' | 'unlinkSync' | 'mkdirSync'
>;

export interface JsonFileSettingsStoreOptions {
  file: string;
  fs?: SettingsFileSystem;
  now?: () => Date;
  platform?: NodeJS.Platform;
}

function errnoCode(err: unknown): string {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string'
    ? err.code
    : err instanceof Error
      ? err.message
      : String(err);
}

/** 2026-11-23T10:45:12.345Z -> 20261123T104512Z (no ':' so the name is valid on Windows too). */
function fileStamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

export function createJsonFileSettingsStore({
  file,
  fs = nodeFs,
  now = () => new Date(),
  platform = process.platform,
}: JsonFileSettingsStoreOptions): SettingsStore {
  const temp = `${file}.tmp`;

  function ioError(action: string, err: unknown, path = file): StationError {
    return new StationError('STORAGE_IO', `Could not ${action} the settings file ${path} (${errnoCode(err)}).`, {
      file: path,
      reason: errnoCode(err),
    });
  }

  function syncFolder(): void {
    // The rename is only durable once the folder entry is on disk. Windows cannot open a folder as a
    // file (and NTFS journals the rename), so this step is POSIX only.
    if (platform === 'win32') return;
    const fd = fs.openSync(dirname(file), 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }

  return {
    get() {
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch (err) {
        if (errnoCode(err) === 'ENOENT') return undefined;
        throw ioError('read', err);
      }
      try {
        return JSON.parse(text) as unknown;
      } catch (err) {
        throw new StationError('SETTINGS_INVALID', `The settings file ${file} is not valid JSON.`, {
          file,
          reason: err instanceof Error ? err.message : String(err),
        });
      }
    },

    // Write a temp file, fsync it, then rename over the old one: a crash at any point leaves either
    // the old or the new settings, never a truncated file.
    set(values) {
      try {
        fs.mkdirSync(dirname(file), { recursive: true });
        const fd = fs.openSync(temp, 'w', 0o600);
        try {
          fs.writeFileSync(fd, `${JSON.stringify(values, null, 2)}\n`, 'utf8');
          fs.fsyncSync(fd);
        } finally {
          fs.closeSync(fd);
        }
        fs.renameSync(temp, file);
        syncFolder();
      } catch (err) {
        try {
          fs.unlinkSync(temp);
        } catch {
          // Nothing to clean up (the failure came before the temp file existed, or after the rename).
        }
        throw ioError('write', err);
      }
    },

    setAside() {
      const aside = `${file}.invalid-${fileStamp(now())}`;
      try {
        fs.renameSync(file, aside);
      } catch (err) {
        throw ioError('move aside', err);
      }
      return aside;
    },
  };
}
