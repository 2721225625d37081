// One settings file for every entry point: the desktop app (electron-store, compiled as it ships and
// run under a stand-in for the electron module) and the Node runtime (conf) write and read the same
// file, and starting the Node side against a desktop data folder leaves the operator's settings as
// they were.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shellBuildOptions } from '../../../scripts/build-config.mjs';
import { createConfSettingsStore, createSettingsService, NO_POLICY, type SettingsStore } from '../../../src/main/config';
import { createMainStandIn, runCommonJs } from '../security/electron-stand-in';
import { reportListenerErrorToStderr } from '../../../src/main/common';

const nodeRequire = createRequire(import.meta.url);
const work = mkdtempSync(join(tmpdir(), 'settings-format-'));
/** The desktop app's store, and the settings service from the same bundle (so errors share a class). */
let desktop: (userData: string) => { store: SettingsStore; service: typeof createSettingsService };
const desktopStore = (userData: string) => desktop(userData).store;

beforeAll(async () => {
  const [mainOptions] = shellBuildOptions(join(work, 'out'));
  const outfile = join(work, 'out', 'settings-store.cjs');
  const entry = join(work, 'entry.ts');
  writeFileSync(
    entry,
    [
      `export { createElectronSettingsStore } from ${JSON.stringify(nodeRequire.resolve('../../../src/main/electron/settings-store.ts'))};`,
      `export { createSettingsService } from ${JSON.stringify(nodeRequire.resolve('../../../src/main/config/settings-service.ts'))};`,
    ].join('\n'),
  );
  await build({ ...mainOptions, entryPoints: [entry], outfile });
  const load = (userData: string) => {
    const stand = createMainStandIn({ appPath: work, userData, documents: userData });
    return runCommonJs(outfile, (id) => (id === 'electron' ? stand.electron : nodeRequire(id)));
  };
  desktop = (userData) => {
    const loaded = load(userData);
    return {
      store: (loaded.createElectronSettingsStore as () => SettingsStore)(),
      service: loaded.createSettingsService as typeof createSettingsService,
    };
  };
}, 60_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

function folder(): string {
  const dir = join(work, `data-${Math.random().toString(16).slice(2)}`);
  mkdirSync(dir);
  return dir;
}

describe('the settings file', () => {
  it('written by the desktop app is read by the Node runtime, and the other way round', () => {
    const dir = folder();
    desktopStore(dir).set({ locale: 'fr', readerExclude: ['*Hello*'] });
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8'))).toEqual({ values: { locale: 'fr', readerExclude: ['*Hello*'] } });
    expect(createConfSettingsStore({ dataDir: dir }).get()).toEqual({ locale: 'fr', readerExclude: ['*Hello*'] });

    createConfSettingsStore({ dataDir: dir }).set({ locale: 'en', outboxRetentionDays: 7 });
    expect(desktopStore(dir).get()).toEqual({ locale: 'en', outboxRetentionDays: 7 });
    expect(statSync(join(dir, 'settings.json')).mode & 0o077).toBe(0);
  });

  it('is left untouched when the Node runtime starts on a desktop data folder', () => {
    const dir = folder();
    desktopStore(dir).set({ locale: 'fr', cmTimeoutMs: 20_000 });
    const before = readFileSync(join(dir, 'settings.json'));
    const service = createSettingsService({
      onListenerError: reportListenerErrorToStderr,
      policy: NO_POLICY,
      store: createConfSettingsStore({ dataDir: dir }),
    });
    expect(service.view().user).toEqual({ status: 'ok', problems: [] });
    expect(service.effective()).toMatchObject({ locale: 'fr', cmTimeoutMs: 20_000 });
    expect(readFileSync(join(dir, 'settings.json'))).toEqual(before);
    expect(readdirSync(dir)).toEqual(['settings.json']);
  });

  it('that is damaged is set aside (kept for IT) and reported, by either backend, never silently emptied', () => {
    const backends = [(dir: string) => ({ store: createConfSettingsStore({ dataDir: dir }), service: createSettingsService }), (dir: string) => desktop(dir)];
    for (const backend of backends) {
      const dir = folder();
      writeFileSync(join(dir, 'settings.json'), '{"values": {"locale": "fr"');
      const { store, service: serviceFor } = backend(dir);
      const service = serviceFor({ onListenerError: reportListenerErrorToStderr, policy: NO_POLICY, store });
      expect(service.view().user.status).toBe('reset');
      const aside = readdirSync(dir).find((f) => f.startsWith('settings.json.invalid-'));
      expect(aside).toBeDefined();
      expect(readFileSync(join(dir, aside ?? ''), 'utf8')).toBe('{"values": {"locale": "fr"');
    }
  });
});
