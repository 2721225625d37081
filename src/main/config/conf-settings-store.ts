// The operator's settings file, in the one format every entry point shares. The desktop app keeps it
// with electron-store, which is conf with Electron's userData folder as its default location; the
// host and the CLI use conf itself with the same options. Same options, same file: `settings.json`
// in the data folder holding `{ "values": { ... } }`. Before this the Node runtime wrote a flat
// object to the same path, so the first CLI run on a desktop machine set the operator's settings
// aside as "invalid".
import { readFileSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type Conf from 'conf';
import { StationError } from '../../shared/errors';
import type { UserSettings } from '../../shared/settings';
import type { SettingsStore } from './user-settings';

/** The options both backends construct their store with (electron-store calls `configName` `name`). */
export const SETTINGS_STORE_OPTIONS = {
  configName: 'settings',
  // Never clear a file we cannot read: the settings service sets it aside (kept for IT) and reports it.
  clearInvalidConfig: false,
  // The operator's own file: nobody else on the machine needs to read it.
  configFileMode: 0o600,
} as const;

/** The slice of a conf (or electron-store) instance the settings store uses. */
export interface ConfLike {
  readonly path: string;
  get(key: 'values'): unknown;
  set(key: 'values', value: unknown): void;
}

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function stamp(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
}

/**
 * A SettingsStore over a conf-like store, opened on each use: conf reads the file in its constructor
 * and throws on invalid JSON (clearInvalidConfig off), which is how a damaged file reaches the
 * settings service as SETTINGS_INVALID instead of being silently emptied.
 */
export function settingsStoreOver(open: () => ConfLike, path: string, now: () => Date = () => new Date()): SettingsStore {
  const openOrThrow = (): ConfLike => {
    try {
      return open();
    } catch (err) {
      if (err instanceof SyntaxError || (err instanceof Error && err.name === 'SyntaxError')) {
        throw new StationError('SETTINGS_INVALID', `The settings file ${path} is not valid JSON.`, { file: path, reason: reason(err) });
      }
      throw new StationError('STORAGE_IO', `Could not read the settings file ${path} (${reason(err)}).`, { file: path, reason: reason(err) });
    }
  };
  return {
    get: () => openOrThrow().get('values'),
    set(values: UserSettings) {
      const store = openOrThrow();
      try {
        store.set('values', values);
      } catch (err) {
        throw new StationError('STORAGE_IO', `Could not save the settings (${reason(err)}).`, { file: path, reason: reason(err) });
      }
    },
    setAside() {
      const aside = `${path}.invalid-${stamp(now())}`;
      try {
        renameSync(path, aside);
      } catch (err) {
        throw new StationError('STORAGE_IO', `Could not move the settings file ${path} aside (${reason(err)}).`, {
          file: path,
          reason: reason(err),
        });
      }
      return aside;
    },
  };
}

/**
 * What conf's constructor reads (`clearInvalidConfig` off): the file's JSON, a SyntaxError when it
 * is not JSON, nothing when there is no file; `values` of it, as `get('values')` returns.
 */
function readValues(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof Error && 'code' in err && err.code === 'ENOENT') return undefined;
    throw err;
  }
  const data: unknown = JSON.parse(text);
  return typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as { values?: unknown }).values : undefined;
}

/**
 * conf itself, loaded on the first save: with ajv and semver behind it, it was about a third of the
 * host's and CLI's start-up (bench/startup.ts), and starting only reads the file. The store's
 * interface is synchronous, so it is required, not imported (Node loads an ES module that way).
 */
function loadConf(): typeof Conf {
  const load = typeof require === 'function' ? require : createRequire(import.meta.url);
  return (load('conf') as { default: typeof Conf }).default;
}

/** The Node runtime's store (host, CLI): `<dataDir>/settings.json`, as the desktop app writes it. */
export function createConfSettingsStore(options: { dataDir: string; now?: () => Date }): SettingsStore {
  const path = join(options.dataDir, `${SETTINGS_STORE_OPTIONS.configName}.json`);
  const open = (): ConfLike => {
    const values = readValues(path);
    return {
      path,
      get: () => values,
      set: (key, value) => new (loadConf())<{ values?: unknown }>({ ...SETTINGS_STORE_OPTIONS, cwd: options.dataDir }).set(key, value),
    };
  };
  return settingsStoreOver(open, path, options.now);
}
