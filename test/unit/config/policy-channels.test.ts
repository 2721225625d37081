import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { type PolicyFs, readDevelopmentPolicy, readLinuxPolicy } from '../../../src/main/config';
import {
  type PolicyWatcherModule,
  readRegistryWithRegExe,
  readWindowsPolicy,
  type RegExeRunner,
  watchPolicyChanges,
  WINDOWS_POLICY_SOURCE,
} from '../../../src/main/config/channels/windows-registry';
import { readMacPolicy } from '../../../src/main/config/channels/macos-managed-prefs';
import { registryFromRegFile } from '../../support/reg-file';
import { testTempDir } from '../../support/temp-dir';

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
    etc = join(testTempDir('etc-'), 'enrollment-station');
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
    expect(policy.status === 'invalid' && policy.problems).toEqual([
      `the file ${file} is owned by uid ${SOMEONE_ELSE}, not by root: only root may write machine policy`,
    ]);
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
    expect(policy.status === 'invalid' && policy.problems).toEqual(['cmBaseUrl: must use https:// (got "http://cm.contoso.com/")', 'colour: unknown key']);
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
    const dir = join(testTempDir('mp-'), 'Managed Preferences');
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
    const path = place(
      'xml',
      Buffer.from(fixture('managed-prefs-contoso.plist').toString('utf8').replace('<integer>30000</integer>', '<string>30000</string>')),
    );
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
    const policy = readWindowsPolicy({
      readValues: () => {
        throw new Error('access denied');
      },
    });
    expect(policy).toMatchObject({ status: 'invalid', problems: ['the registry key cannot be read: access denied'] });
  });
});

describe('development policy (--policy FILE, Node host and CLI only)', () => {
  it('is labelled as such and obeys the same schema', () => {
    const dir = testTempDir('dev-');
    const path = join(dir, 'policy.json');
    writeFileSync(path, JSON.stringify({ trainingModeAllowed: false }));
    expect(readDevelopmentPolicy(path)).toMatchObject({ status: 'ok', channel: 'development', source: `${path} (development policy)` });
    writeFileSync(path, JSON.stringify({ trainingModeAllowed: 'no' }));
    expect(readDevelopmentPolicy(path)).toMatchObject({ status: 'invalid', channel: 'development' });
    // Naming a file that is not there runs without any policy (how tests avoid the machine's own).
    expect(readDevelopmentPolicy(join(dir, 'absent.json'))).toEqual({ status: 'none', source: null, channel: null });
  });
});

describe('Windows channel: read with reg.exe (recorded reg query listings and reg export files)', () => {
  /** reg.exe as it behaves: `query` prints the listing, `export` writes the .reg file named and exits 0. */
  function regExe(listing: string | { code: number }, exported: Buffer | { code: number } | null) {
    const calls: string[][] = [];
    const files: string[] = [];
    const run: RegExeRunner = async (args) => {
      calls.push([...args]);
      if (args[0] === 'query') return typeof listing === 'string' ? { code: 0, stdout: listing } : { code: listing.code, stdout: '' };
      if (args[0] === 'export' && exported !== null) {
        if (!Buffer.isBuffer(exported)) return { code: exported.code, stdout: '' };
        files.push(args[2]!);
        writeFileSync(args[2]!, exported);
        return { code: 0, stdout: 'The operation completed successfully.\r\n' };
      }
      throw new Error(`unexpected reg.exe ${args.join(' ')}`);
    };
    return { run, calls, files };
  }
  const present = fixture('reg-query-policies-present.txt').toString('latin1');
  const absent = fixture('reg-query-policies-absent.txt').toString('latin1');

  it('exports HKLM (64-bit view) only and reads every value with its real type: ADMX numbers (REG_DWORD) apply', async () => {
    const reg = regExe(present, fixture('hklm-contoso.reg'));
    const policy = readWindowsPolicy(await readRegistryWithRegExe(reg.run));
    expect(policy).toMatchObject({
      status: 'ok',
      values: { cmTimeoutMs: 30_000, trainingModeAllowed: false, allowedAuthDomains: ['cm.contoso.com', '*.corp.contoso.com'], locale: 'fr' },
    });
    expect(reg.calls).toEqual([
      ['query', 'HKLM\\SOFTWARE\\Policies', '/reg:64'],
      ['export', 'HKLM\\SOFTWARE\\Policies\\EnrollmentStation', reg.files[0], '/y', '/reg:64'],
    ]);
    // Per-user policy is never asked for, and the export leaves nothing behind.
    expect(reg.calls.flat().join(' ')).not.toMatch(/HKCU|HKEY_CURRENT_USER/i);
    expect(existsSync(reg.files[0]!)).toBe(false);
  });

  it('is no policy only when the key is absent from the listing (nothing exported)', async () => {
    const reg = regExe(absent, null);
    expect(readWindowsPolicy(await readRegistryWithRegExe(reg.run))).toEqual({ status: 'none', source: null, channel: null });
    expect(reg.calls).toHaveLength(1);
  });

  it('fails closed: reg.exe missing, refused or failing, or an export it cannot parse, is an invalid policy naming why', async () => {
    const cases: Array<[RegExeRunner, RegExp]> = [
      [regExe({ code: 1 }, null).run, /reg query HKLM\\SOFTWARE\\Policies failed \(exit 1\)/],
      [regExe(present, { code: 1 }).run, /reg export failed \(exit 1\)/],
      [regExe(present, Buffer.from('not a registry export')).run, /not a registry export/],
      [async () => Promise.reject(Object.assign(new Error('spawn C:\\Windows\\System32\\reg.exe ENOENT'), { code: 'ENOENT' })), /reg\.exe ENOENT/],
    ];
    for (const [run, reason] of cases) {
      const policy = readWindowsPolicy(await readRegistryWithRegExe(run));
      expect(policy.status).toBe('invalid');
      expect(policy.status === 'invalid' && policy.problems[0]).toMatch(reason);
    }
  });

  it('a mistyped value is a problem named by key (not "not set"), through the whole reg.exe path', async () => {
    const policy = readWindowsPolicy(await readRegistryWithRegExe(regExe(present, fixture('hklm-wrong-types.reg')).run));
    expect(policy).toMatchObject({
      status: 'invalid',
      problems: expect.arrayContaining(['cmTimeoutMs: REG_SZ given, REG_DWORD expected', 'cmBaseUrl: REG_EXPAND_SZ given, REG_SZ expected']),
    });
  });

  it('reads a number set by hand as REG_QWORD too; refuses an unknown subkey', async () => {
    expect(readWindowsPolicy(await readRegistryWithRegExe(regExe(present, fixture('hklm-qword.reg')).run))).toMatchObject({
      status: 'ok',
      values: { cmTimeoutMs: 30_000, outboxRetentionDays: 90, trainingModeAllowed: true },
    });
    expect(readWindowsPolicy(await readRegistryWithRegExe(regExe(present, fixture('hklm-extra-subkey.reg')).run))).toMatchObject({
      status: 'invalid',
      problems: ['extensions: unknown subkey (known: Recommended)'],
    });
  });
});

describe('Windows channel: change notification (@vscode/policy-watcher, values never taken from it)', () => {
  /**
   * A stand-in for the native module (Windows only; it cannot load here) that behaves as its source
   * does: one report per watcher at start, then a report on each Group Policy change it can see.
   */
  function fakeWatcher() {
    const watchers: Array<{ path: string; policies: Record<string, unknown>; report: () => void; disposed: boolean }> = [];
    const module: PolicyWatcherModule = {
      createWatcher(product, policies, onDidChange, options) {
        expect(product).toBe('EnrollmentStation');
        const entry = { path: options!.registryPath!, policies, report: () => onDidChange({}), disposed: false };
        watchers.push(entry);
        entry.report();
        return { dispose: () => void (entry.disposed = true) };
      },
    };
    return { module, watchers };
  }

  it('watches both keys with every type declared, ignores the first reports, then tells of each change', () => {
    const { module, watchers } = fakeWatcher();
    let changes = 0;
    const watch = watchPolicyChanges(
      () => void (changes += 1),
      () => module,
    );
    expect(watchers.map((w) => w.path)).toEqual(['SOFTWARE\\Policies\\EnrollmentStation', 'SOFTWARE\\Policies\\EnrollmentStation\\Recommended']);
    expect(watchers[0]!.policies).toMatchObject({
      cmTimeoutMs: { type: ['string', 'number', 'boolean'] },
      allowedAuthDomains: { type: ['string', 'number', 'boolean'] },
    });
    expect(changes).toBe(0);
    watchers[1]!.report();
    expect(changes).toBe(1);
    watch.dispose();
    expect(watchers.every((w) => w.disposed)).toBe(true);
  });

  it('without the module (not built), the policy read at start stands: nothing to dispose, no throw', () => {
    const watch = watchPolicyChanges(
      () => undefined,
      () => {
        throw new Error('Cannot find module');
      },
    );
    expect(() => watch.dispose()).not.toThrow();
  });
});
