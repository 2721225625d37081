import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createJsonFileSettingsStore, type SettingsFileSystem } from '../../../src/main/config';
import { thrown } from './thrown';

/** Real node:fs, recording calls, with one chosen step made to fail. */
function recordingFs(failOn?: keyof SettingsFileSystem): SettingsFileSystem & { calls: string[] } {
  const calls: string[] = [];
  const wrap =
    <K extends keyof SettingsFileSystem>(name: K) =>
    (...args: unknown[]) => {
      calls.push(name);
      if (name === failOn) throw Object.assign(new Error(`${name} failed`), { code: 'EIO' });
      return (fs[name] as (...a: unknown[]) => unknown)(...args);
    };
  return {
    calls,
    readFileSync: wrap('readFileSync'),
    openSync: wrap('openSync'),
    writeFileSync: wrap('writeFileSync'),
    fsyncSync: wrap('fsyncSync'),
    closeSync: wrap('closeSync'),
    renameSync: wrap('renameSync'),
    unlinkSync: wrap('unlinkSync'),
    mkdirSync: wrap('mkdirSync'),
  } as SettingsFileSystem & { calls: string[] };
}

describe('JSON file settings store', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(join(tmpdir(), 'user-settings-'));
    file = join(dir, 'nested', 'settings.json');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('returns undefined before anything is saved, then what was saved', () => {
    const store = createJsonFileSettingsStore({ file });
    expect(store.get()).toBeUndefined();
    store.set({ locale: 'fr', readerExclude: ['*Hello*'] });
    expect(store.get()).toEqual({ locale: 'fr', readerExclude: ['*Hello*'] });
    expect(fs.readdirSync(join(dir, 'nested'))).toEqual(['settings.json']);
  });

  it('writes a temp file, fsyncs it, renames it over the old one, then fsyncs the folder', () => {
    const recorder = recordingFs();
    createJsonFileSettingsStore({ file, fs: recorder, platform: 'linux' }).set({ locale: 'fr' });
    expect(recorder.calls).toEqual([
      'mkdirSync',
      'openSync',
      'writeFileSync',
      'fsyncSync',
      'closeSync',
      'renameSync',
      'openSync',
      'fsyncSync',
      'closeSync',
    ]);
  });

  it('skips the folder fsync on Windows, where a folder cannot be opened as a file', () => {
    const recorder = recordingFs();
    createJsonFileSettingsStore({ file, fs: recorder, platform: 'win32' }).set({ locale: 'fr' });
    expect(recorder.calls.slice(-2)).toEqual(['closeSync', 'renameSync']);
  });

  for (const step of ['writeFileSync', 'fsyncSync', 'renameSync'] as const) {
    it(`keeps the previous settings intact and leaves no temp file when ${step} fails`, () => {
      createJsonFileSettingsStore({ file }).set({ locale: 'fr' });
      const before = fs.readFileSync(file, 'utf8');
      const store = createJsonFileSettingsStore({ file, fs: recordingFs(step) });
      const err = thrown(() => store.set({ locale: 'en', trainingMode: true }));
      expect(err.code).toBe('STORAGE_IO');
      expect(err.details).toEqual({ file, reason: 'EIO' });
      expect(fs.readFileSync(file, 'utf8')).toBe(before);
      expect(fs.readdirSync(join(dir, 'nested'))).toEqual(['settings.json']);
    });
  }

  it('reports a file that is not JSON as SETTINGS_INVALID and one it cannot read as STORAGE_IO', () => {
    fs.mkdirSync(join(dir, 'nested'));
    fs.writeFileSync(file, '');
    expect(thrown(() => createJsonFileSettingsStore({ file }).get()).code).toBe('SETTINGS_INVALID');
    const err = thrown(() => createJsonFileSettingsStore({ file, fs: recordingFs('readFileSync') }).get());
    expect(err.code).toBe('STORAGE_IO');
  });

  it('moves the file aside under a name valid on every OS', () => {
    const store = createJsonFileSettingsStore({ file, now: () => new Date('2026-01-02T03:04:05.678Z') });
    store.set({ locale: 'fr' });
    expect(store.setAside()).toBe(`${file}.invalid-20260102T030405Z`);
    expect(fs.readdirSync(join(dir, 'nested'))).toEqual(['settings.json.invalid-20260102T030405Z']);
    expect(store.get()).toBeUndefined();
  });
});
