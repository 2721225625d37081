import { chmodSync, chownSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  type Policy,
  type PolicyFs,
  type PolicyWatcherModule,
  readDevelopmentPolicy,
  readLinuxPolicy,
  readWindowsPolicy,
  watchWindowsRegistry,
  WINDOWS_POLICY_SOURCE,
} from '../../../src/main/config';
import { readMacPolicy } from '../../../src/main/config/channels/macos-managed-prefs';
import { registryFromRegFile } from '../../support/reg-file';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'policy');
const fixture = (name: string) => readFileSync(join(FIXTURES, name));

/** Ownership as the test can make it: real chown when running as root (CI), else a stat that lies. */
const ME = process.getuid?.() ?? 0;
const SOMEONE_ELSE = ME === 0 ? 1000 : ME + 1;
function giveAway(path: string, fsOverrides: Map<string, number>): void {
  if (ME === 0) chownSync(path, SOMEONE_ELSE, SOMEONE_ELSE);
  else fsOverrides.set(path, SOMEONE_ELSE);
}
function fsWith(owners: Map<string, number>): PolicyFs {
  return {
    lstatSync: (path) => {
      const stat = lstatSync(path);
      const uid = owners.get(path);
      return uid === undefined ? stat : Object.assign(Object.create(stat) as typeof stat, { uid });
    },
    readFileSync: (path) => readFileSync(path),
  };
}

const CONTOSO_JSON = {
  cmBaseUrl: 'https://cm.contoso.com/CertificateManagement/api/v1.0/',
  allowedAuthDomains: ['cm.contoso.com'],
  trainingModeAllowed: false,
  Recommended: { locale: 'fr' },
};

describe('Linux channel: /etc/enrollment-station/policy.json', () => {
  let etc: string;
  let file: string;
  const owners = new Map<string, number>();
  beforeEach(() => {
    owners.clear();
    etc = join(mkdtempSync(join(tmpdir(), 'etc-')), 'enrollment-station');
    mkdirSync(etc, { mode: 0o755 });
    chmodSync(etc, 0o755);
    file = join(etc, 'policy.json');
    writeFileSync(file, JSON.stringify(CONTOSO_JSON));
    chmodSync(file, 0o644);
  });
  const read = () => readLinuxPolicy({ path: file, fs: fsWith(owners), rootUid: ME });

  it('accepts a file and folder owned by root and writable by root only', () => {
    expect(read()).toEqual({
      status: 'ok',
      source: file,
      channel: 'linux-etc',
      values: { cmBaseUrl: CONTOSO_JSON.cmBaseUrl, allowedAuthDomains: ['cm.contoso.com'], trainingModeAllowed: false, locale: 'fr' },
      locked: ['cmBaseUrl', 'allowedAuthDomains', 'trainingModeAllowed'],
    });
  });

  it('is no policy when the file is not there', () => {
    expect(readLinuxPolicy({ path: join(etc, 'absent.json'), rootUid: ME })).toEqual({ status: 'none', source: null, channel: null });
    expect(readLinuxPolicy({ path: join(etc, 'no-folder', 'policy.json'), rootUid: ME }).status).toBe('none');
  });

  it('refuses a file owned by someone else, saying why', () => {
    giveAway(file, owners);
    const policy = read();
    expect(policy).toMatchObject({ status: 'invalid', channel: 'linux-etc', source: file });
    expect(policy.status === 'invalid' && policy.problems).toEqual([`the file ${file} is owned by uid ${SOMEONE_ELSE}, not by root: only root may write machine policy`]);
  });

  it('refuses a folder owned by someone else (they could swap the file)', () => {
    giveAway(etc, owners);
    expect(read()).toMatchObject({ status: 'invalid', problems: [expect.stringContaining(`the folder ${etc} is owned by uid ${SOMEONE_ELSE}`)] });
  });

  it('refuses a group- or world-writable file or folder', () => {
    chmodSync(file, 0o664);
    expect(read()).toMatchObject({ status: 'invalid', problems: [expect.stringMatching(/the file .* is writable by group or others \(mode 664\)/)] });
    chmodSync(file, 0o644);
    chmodSync(etc, 0o777);
    expect(read()).toMatchObject({ status: 'invalid', problems: [expect.stringMatching(/the folder .* is writable by group or others \(mode 777\)/)] });
  });

  it('refuses a symbolic link, whose target anyone could own', () => {
    const elsewhere = join(etc, '..', 'planted.json');
    writeFileSync(elsewhere, JSON.stringify({ cmBaseUrl: 'https://evil.example/' }));
    const link = join(etc, 'link.json');
    symlinkSync(elsewhere, link);
    expect(readLinuxPolicy({ path: link, rootUid: ME })).toMatchObject({ status: 'invalid', problems: [expect.stringContaining('symbolic link')] });
  });

  it('reports a malformed or unknown setting by name and keeps none of it', () => {
    writeFileSync(file, JSON.stringify({ cmBaseUrl: 'http://cm.contoso.com/', colour: 'blue' }));
    const policy = read();
    expect(policy.status).toBe('invalid');
    expect(policy.status === 'invalid' && policy.problems).toEqual([
      'cmBaseUrl: must use https:// (got "http://cm.contoso.com/")',
      'colour: unknown key',
    ]);
  });
});

describe('macOS channel: /Library/Managed Preferences/<app id>.plist', () => {
  const expected = {
    status: 'ok',
    channel: 'macos-managed-preferences',
    values: {
      cmBaseUrl: 'https://cm.contoso.com/CertificateManagement/api/v1.0/',
      allowedAuthDomains: ['cm.contoso.com'],
      cmTimeoutMs: 30_000,
      trainingModeAllowed: false,
      locale: 'fr',
    },
    locked: expect.arrayContaining(['cmBaseUrl', 'allowedAuthDomains', 'cmTimeoutMs', 'trainingModeAllowed']),
  };
  function place(name: string, bytes: Buffer): string {
    const dir = join(mkdtempSync(join(tmpdir(), 'mp-')), 'Managed Preferences');
    mkdirSync(dir, { mode: 0o755 });
    const path = join(dir, 'io.enrollmentstation.station.plist');
    writeFileSync(path, bytes, { mode: 0o644 });
    return path;
  }

  it('reads the XML property list an MDM profile leaves', () => {
    const path = place('xml', fixture('managed-prefs-contoso.plist'));
    expect(readMacPolicy({ path, rootUid: ME })).toMatchObject({ ...expected, source: path });
  });

  it('reads the same settings from a binary property list', () => {
    const path = place('bin', fixture('managed-prefs-contoso.binary.plist'));
    expect(readMacPolicy({ path, rootUid: ME })).toMatchObject({ ...expected, source: path });
  });

  it('refuses a plist not owned by root', () => {
    const path = place('xml', fixture('managed-prefs-contoso.plist'));
    const owners = new Map<string, number>();
    giveAway(path, owners);
    expect(readMacPolicy({ path, fs: fsWith(owners), rootUid: ME })).toMatchObject({ status: 'invalid', problems: [expect.stringContaining('not by root')] });
  });

  it('refuses a value of the wrong plist type, naming the key', () => {
    const path = place('xml', Buffer.from(fixture('managed-prefs-contoso.plist').toString('utf8').replace('<integer>30000</integer>', '<string>30000</string>')));
    expect(readMacPolicy({ path, rootUid: ME })).toMatchObject({ status: 'invalid', problems: [expect.stringMatching(/^cmTimeoutMs: /)] });
  });

  it('reports a damaged property list', () => {
    const path = place('xml', Buffer.from('<plist><dict><key>cmBaseUrl</key>'));
    expect(readMacPolicy({ path, rootUid: ME })).toMatchObject({ status: 'invalid', problems: [expect.stringMatching(/^not a property list/)] });
  });
});

describe('Windows channel: HKLM\\SOFTWARE\\Policies\\EnrollmentStation (recorded reg export)', () => {
  it('reads REG_SZ, REG_DWORD and REG_MULTI_SZ values, and the Recommended subkey', () => {
    expect(readWindowsPolicy(registryFromRegFile(fixture('hklm-contoso.reg')))).toEqual({
      status: 'ok',
      source: WINDOWS_POLICY_SOURCE,
      channel: 'windows-registry',
      values: {
        locale: 'fr',
        readerExclude: ['*Windows Hello*', '*Virtual*'],
        cmBaseUrl: 'https://cm.contoso.com/CertificateManagement/api/v1.0/',
        allowedAuthDomains: ['cm.contoso.com', '*.corp.contoso.com'],
        trainingModeAllowed: false,
        cmTimeoutMs: 30_000,
        auditExportFolder: '\\\\files.contoso.com\\audit$\\badge-office',
      },
      locked: ['cmBaseUrl', 'cmTimeoutMs', 'allowedAuthDomains', 'trainingModeAllowed', 'auditExportFolder'],
    });
  });

  it('is no policy when neither key exists', () => {
    expect(readWindowsPolicy({ readValues: () => null })).toEqual({ status: 'none', source: null, channel: null });
  });

  it('refuses wrong registry types, REG_EXPAND_SZ, unknown values and machine-only recommendations, each by name', () => {
    const policy = readWindowsPolicy(registryFromRegFile(fixture('hklm-wrong-types.reg')));
    expect(policy.status).toBe('invalid');
    expect(policy.status === 'invalid' && policy.problems).toEqual([
      'cmBaseUrl: REG_EXPAND_SZ given, REG_SZ expected',
      'allowedAuthDomains: REG_SZ given, REG_MULTI_SZ expected',
      'trainingModeAllowed: 2 given, 0 or 1 expected',
      'cmTimeoutMs: REG_SZ given, REG_DWORD expected',
      expect.stringMatching(/^colour: unknown value/),
    ]);
  });

  it('refuses a machine-only key offered as a mere recommendation', () => {
    const registry = {
      readValues: (path: string) => (path.endsWith('Recommended') ? [{ name: 'cmBaseUrl', type: 'REG_SZ' as const, data: 'https://cm.contoso.com/' }] : null),
    };
    expect(readWindowsPolicy(registry)).toMatchObject({
      status: 'invalid',
      problems: ['Recommended.cmBaseUrl: a machine-only setting cannot be a recommendation; set it at the top level'],
    });
  });

  it('reports a registry that cannot be read instead of running without policy', () => {
    const policy = readWindowsPolicy({ readValues: () => { throw new Error('access denied'); } });
    expect(policy).toMatchObject({ status: 'invalid', problems: ['the registry key cannot be read: access denied'] });
  });
});

describe('development policy (--policy FILE, Node host and CLI only)', () => {
  it('is labelled as such and obeys the same schema', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dev-'));
    const path = join(dir, 'policy.json');
    writeFileSync(path, JSON.stringify({ trainingModeAllowed: false }));
    expect(readDevelopmentPolicy(path)).toMatchObject({ status: 'ok', channel: 'development', source: `${path} (development policy)` });
    writeFileSync(path, JSON.stringify({ trainingModeAllowed: 'no' }));
    expect(readDevelopmentPolicy(path)).toMatchObject({ status: 'invalid', channel: 'development' });
    // Naming a file that is not there runs without any policy (how tests avoid the machine's own).
    expect(readDevelopmentPolicy(join(dir, 'absent.json'))).toEqual({ status: 'none', source: null, channel: null });
  });
});

describe('Windows channel: the @vscode/policy-watcher adapter', () => {
  /**
   * A stand-in for the native module (Windows only; it cannot load here) that behaves as its source
   * does: one report per watcher at start with every value that is set (REG_MULTI_SZ joined with
   * "\n", REG_DWORD as number or boolean by declared type), then a report on each Group Policy change.
   */
  function fakeWatcher(initial: Record<string, Record<string, string | number | boolean>>) {
    const watchers: Array<{ path: string; policies: Record<string, { type: string }>; report: (u: Record<string, string | number | boolean | undefined>) => void; disposed: boolean }> = [];
    const module: PolicyWatcherModule = {
      createWatcher(product, policies, onDidChange, options) {
        expect(product).toBe('EnrollmentStation');
        const entry = { path: options!.registryPath!, policies, report: onDidChange, disposed: false };
        watchers.push(entry);
        queueMicrotask(() => onDidChange({ ...(initial[entry.path] ?? {}) }));
        return { dispose: () => void (entry.disposed = true) };
      },
    };
    return { module, watchers };
  }

  it('declares each key with the schema type, reads what Group Policy wrote, and follows changes', async () => {
    const { module, watchers } = fakeWatcher({
      'SOFTWARE\\Policies\\EnrollmentStation': { cmBaseUrl: 'https://cm.contoso.com/', allowedAuthDomains: 'cm.contoso.com\n*.corp.contoso.com', trainingModeAllowed: false, cmTimeoutMs: 30_000 },
      'SOFTWARE\\Policies\\EnrollmentStation\\Recommended': { locale: 'fr' },
    });
    const changes: Policy[] = [];
    const watch = await watchWindowsRegistry((registry) => changes.push(readWindowsPolicy(registry)), 1_000, () => module);
    expect(watchers.map((w) => w.path)).toEqual(['SOFTWARE\\Policies\\EnrollmentStation', 'SOFTWARE\\Policies\\EnrollmentStation\\Recommended']);
    expect(watchers[0]!.policies).toMatchObject({ cmBaseUrl: { type: 'string' }, cmTimeoutMs: { type: 'number' }, trainingModeAllowed: { type: 'boolean' }, allowedAuthDomains: { type: 'string' } });
    expect(readWindowsPolicy(watch.initial)).toMatchObject({
      status: 'ok',
      values: { cmBaseUrl: 'https://cm.contoso.com/', allowedAuthDomains: ['cm.contoso.com', '*.corp.contoso.com'], trainingModeAllowed: false, cmTimeoutMs: 30_000, locale: 'fr' },
      locked: ['cmBaseUrl', 'cmTimeoutMs', 'allowedAuthDomains', 'trainingModeAllowed'],
    });
    expect(changes).toEqual([]);

    watchers[0]!.report({ cmBaseUrl: undefined, trainingModeAllowed: false, cmTimeoutMs: 30_000, allowedAuthDomains: 'cm.contoso.com' });
    expect(changes.at(-1)).toMatchObject({ status: 'ok', values: { allowedAuthDomains: ['cm.contoso.com'] } });
    expect(changes.at(-1)?.status === 'ok' && changes.at(-1)).not.toHaveProperty('values.cmBaseUrl');
    watch.dispose();
    expect(watchers.every((w) => w.disposed)).toBe(true);
  });

  it('gives up waiting for a silent watcher after the first-report timeout, with no policy', async () => {
    const silent: PolicyWatcherModule = { createWatcher: () => ({ dispose: () => undefined }) };
    const watch = await watchWindowsRegistry(() => undefined, 20, () => silent);
    expect(readWindowsPolicy(watch.initial)).toEqual({ status: 'none', source: null, channel: null });
  });
});
