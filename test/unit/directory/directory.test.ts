import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type DirectoryAdapter,
  DirectoryError,
  type DirectoryUser,
  directoryKindFor,
  openCachedDirectory,
  searchRequestsWithPeople,
  UNCONFIGURED_DIRECTORY,
} from '../../../src/main/directory';
// The adapters are loaded by openDirectory when the settings ask for them, not through the barrel.
import { adGuidFilter, adSearchFilter, createAdDirectory, parseAdsiOutput, powerShellCommand } from '../../../src/main/directory/ad';
import { adFilterLiteral, adSearchScript } from '../../../src/main/directory/ad-script';
import { escapeFilterValue } from '../../../src/main/directory/filter';
import { guidFromObjectGuid, objectGuidFromGuid } from '../../../src/main/directory/guid';
import type { CmRequest } from '../../../src/shared/cm';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings';
import { testTempDir } from '../../support/temp-dir';

const fixture = (name: string) => readFileSync(join(__dirname, '../../fixtures/adsi', name), 'utf8');

describe('RFC 4515 escaping', () => {
  it('escapes exactly *, (, ), \\ and NUL, leaving UTF-8 text as it is', () => {
    expect(escapeFilterValue('a*b(c)d\\e\u0000f')).toBe('a\\2ab\\28c\\29d\\5ce\\00f');
    expect(escapeFilterValue('Zoë O\'Brien "x"')).toBe('Zoë O\'Brien "x"');
  });
  it('AD searches use ambiguous name resolution with the text escaped', () => {
    expect(adSearchFilter(' Paren (x)* ')).toBe('(&(objectCategory=person)(objectClass=user)(anr=Paren \\28x\\29\\2a))');
  });
});

describe('objectGUID byte order (.NET Guid(byte[]))', () => {
  it('reads Data1..Data3 little-endian, the rest as is', () => {
    const bytes = Buffer.from('33221100554477668899aabbccddeeff', 'hex');
    expect(guidFromObjectGuid(bytes)).toBe('00112233-4455-6677-8899-aabbccddeeff');
    expect(Buffer.from(objectGuidFromGuid('{00112233-4455-6677-8899-AABBCCDDEEFF}')).toString('hex')).toBe('33221100554477668899aabbccddeeff');
  });
  it('filters for objectGUID carry every byte escaped in that order', () => {
    expect(adGuidFilter(['00112233-4455-6677-8899-aabbccddeeff'])).toBe(
      '(&(objectCategory=person)(objectClass=user)(|(objectGUID=\\33\\22\\11\\00\\55\\44\\77\\66\\88\\99\\aa\\bb\\cc\\dd\\ee\\ff)))',
    );
  });
  it('rejects anything but 16 bytes', () => {
    expect(() => guidFromObjectGuid(new Uint8Array(15))).toThrow(/16 bytes/);
  });
});

describe('the ad adapter on recorded ADSI output', () => {
  it('parses two users: GUIDs converted, DOMAIN\\sam, cn when displayName is empty', () => {
    expect(parseAdsiOutput(fixture('search-two.json'))).toEqual([
      { guid: '1e3a1f5c-7b2d-4c8e-9f01-23456789abcd', displayName: 'Dana Okafor', account: 'CONTOSO\\dana', upn: 'dana@contoso.com' },
      { guid: '00112233-4455-6677-8899-aabbccddeeff', displayName: 'Zoë Ångström', account: 'CONTOSO\\zangstrom', upn: null },
    ]);
  });
  it("parses PowerShell 5's unwrapped single result (with a BOM) and its null for none", () => {
    expect(parseAdsiOutput(fixture('search-one.json')).map((u) => u.account)).toEqual(['CONTOSO\\dana']);
    expect(parseAdsiOutput(fixture('search-none.json'))).toEqual([]);
  });
  it("anything else is a protocol failure; the script's own caught failure is worded", () => {
    expect(() => parseAdsiOutput('WARNING: something')).toThrow(DirectoryError);
    expect(() => parseAdsiOutput('[1,2]')).toThrow(/unexpected/);
    expect(() => parseAdsiOutput(fixture('search-error.json'))).toThrow(/The server is not operational/);
    expect(() => parseAdsiOutput(fixture('search-error.json'))).toThrow(expect.objectContaining({ reason: 'unreachable' }));
  });
  it('runs Windows PowerShell by absolute path from the system folder, started there, the script on stdin: no -EncodedCommand, no Bypass', () => {
    const command = powerShellCommand({ SystemRoot: 'C:\\WINDOWS' });
    expect(command).toEqual({
      file: 'C:\\WINDOWS\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
      args: ['-NoLogo', '-NoProfile', '-NonInteractive', '-Command', '-'],
      cwd: 'C:\\WINDOWS\\System32',
    });
  });
  it('keeps what an operator types inside one quote-free ASCII literal (RFC 4515 escapes), whatever they type', async () => {
    const scripts: string[] = [];
    const ad = createAdDirectory({ timeoutMs: 1000, run: async (script) => (scripts.push(script), fixture('search-one.json')) });
    const typed = "x'); Remove-Item C:\\ -Recurse; ('* Zoë ’‘ $(calc) `n";
    expect(await ad.search(typed, 5)).toHaveLength(1);
    const script = scripts[0]!;
    expect(script).toMatch(/^[\x20-\x7e\r\n]*$/);
    const literals = [...script.matchAll(/'([^']*)'/g)].map((m) => m[1]!);
    const filter = adFilterLiteral(adSearchFilter(typed));
    expect(literals).toContain(filter);
    // The quote and non-ASCII characters are RFC 4515 escapes of their UTF-8 bytes, so LDAP still matches the text.
    expect(filter).toContain('x\\27\\29; Remove-Item C:\\5c -Recurse; \\28\\27\\2a Zo\\c3\\ab \\e2\\80\\99\\e2\\80\\98 $\\28calc\\29 `n');
    expect(script).toContain('Select-Object -First 5');
  });
  it('uses only what Constrained Language Mode allows: no .NET type but DirectorySearcher/PSObject, no static call, no property set', () => {
    const script = adSearchScript(adSearchFilter('dana'), 10);
    const types = new Set([...script.matchAll(/\[([A-Za-z.]+)(?:\[\])?\]/g)].map((m) => m[1]!.toLowerCase()));
    expect([...types].sort()).toEqual(['char', 'int', 'string']);
    expect([...script.matchAll(/New-Object ([\w.]+)/g)].map((m) => m[1])).toEqual([
      'System.DirectoryServices.DirectorySearcher',
      'PSObject',
      'PSObject',
      'PSObject',
    ]);
    expect(script).not.toMatch(/::/);
    // Assignments only to variables (never `$x.Property = ...`).
    expect(script).not.toMatch(/\$\w+\.\w+\s*=[^=]/);
    expect(script).not.toMatch(/EncodedCommand|Bypass|Invoke-Expression|iex|Add-Type|\[Console\]/i);
    // -Command - runs stdin line by line: one statement line, then blank lines to end it.
    expect(script.split('\r\n').filter((l) => l !== '')).toHaveLength(2);
    expect(() => adSearchScript('(x=1)', 0)).toThrow();
  });
});

describe('which directory', () => {
  it("'auto' is AD on a domain-joined Windows session only", () => {
    const auto = { ...DEFAULT_SETTINGS, directoryKind: 'auto' as const };
    expect(directoryKindFor(auto, { platform: 'win32', env: { USERDNSDOMAIN: 'CONTOSO.COM' } })).toBe('ad');
    expect(directoryKindFor(auto, { platform: 'win32', env: {} })).toBe('none');
    expect(directoryKindFor(auto, { platform: 'linux', env: { USERDNSDOMAIN: 'X' } })).toBe('none');
    expect(directoryKindFor({ ...auto, directoryKind: 'ldap' }, { platform: 'linux', env: {} })).toBe('ldap');
  });
});

function fakeAdapter(people: DirectoryUser[]): DirectoryAdapter & { calls: number; down: boolean } {
  const adapter = {
    kind: 'ldap' as const,
    calls: 0,
    down: false,
    async lookup(guids: readonly string[]) {
      adapter.calls += 1;
      if (adapter.down) throw new DirectoryError('unreachable', 'down');
      return people.filter((p) => guids.includes(p.guid));
    },
    async search(text: string) {
      adapter.calls += 1;
      if (adapter.down) throw new DirectoryError('unreachable', 'down');
      return people.filter((p) => p.displayName.toLowerCase().includes(text.toLowerCase()));
    },
    close: async () => undefined,
  };
  return adapter;
}

const person = (n: number): DirectoryUser => ({
  guid: `00000000-0000-0000-0000-${n.toString(16).padStart(12, '0')}`,
  displayName: `Person ${n}`,
  account: `CONTOSO\\p${n}`,
  upn: null,
});

describe('the cached directory', () => {
  it('answers fresh names from the copy, asks again once stale, and falls back to the copy when down', async () => {
    const adapter = fakeAdapter([person(1)]);
    let now = new Date('2026-01-01T00:00:00Z');
    const dir = testTempDir('dircache-');
    const cached = await openCachedDirectory({ adapter, dir, now: () => now, freshMs: 1000, maxAgeMs: 10_000, maxEntries: 10, quietAfterFailureMs: 0 });
    await cached.resolve([person(1).guid]);
    await cached.resolve([person(1).guid]);
    expect(adapter.calls).toBe(1);
    now = new Date('2026-01-01T00:00:05Z');
    adapter.down = true;
    expect(await cached.resolve([person(1).guid])).toMatchObject({ source: 'cache', failure: 'unreachable', users: [person(1)] });
    now = new Date('2026-01-01T00:00:11Z');
    expect(await cached.resolve([person(1).guid])).toMatchObject({ source: 'cache', users: [] });
  });

  it('keeps at most maxEntries, dropping the oldest, and survives a damaged file', async () => {
    const people = Array.from({ length: 8 }, (_, i) => person(i + 1));
    const adapter = fakeAdapter(people);
    const dir = testTempDir('dircache-');
    let t = Date.parse('2026-01-01T00:00:00Z');
    const cached = await openCachedDirectory({
      adapter,
      dir,
      now: () => new Date((t += 1)),
      freshMs: 1e9,
      maxAgeMs: 1e9,
      maxEntries: 3,
      quietAfterFailureMs: 0,
    });
    for (const p of people) await cached.resolve([p.guid]);
    const file = JSON.parse(readFileSync(join(dir, 'directory-cache.json'), 'utf8'));
    expect(file.entries.map((e: { user: DirectoryUser }) => e.user.displayName)).toEqual(['Person 6', 'Person 7', 'Person 8']);
    writeFileSync(join(dir, 'directory-cache.json'), '{broken');
    const reopened = await openCachedDirectory({ adapter, dir, now: () => new Date(), freshMs: 1, maxAgeMs: 1e9, maxEntries: 3, quietAfterFailureMs: 0 });
    adapter.down = true;
    expect(await reopened.resolve([person(8).guid])).toMatchObject({ source: 'cache', users: [] });
  });
});

describe('search by person', () => {
  const dana = person(4);
  const alice = person(1);
  const req = (n: number, user: DirectoryUser | null, template = 'Staff'): CmRequest => ({
    uuid: `aaaaaaaa-0000-4000-8000-${n.toString(16).padStart(12, '0')}`,
    type: 'Enroll',
    status: 'Approved',
    targetUserUuid: user?.guid ?? null,
    targetUserDisplayName: null,
    originatorUserUuid: null,
    profileTemplateUuid: null,
    profileTemplateName: template,
    oldSmartcardUuid: null,
    newSmartcardUuid: null,
    submitted: null,
    completed: null,
    priority: 0,
    isSmartcard: true,
    dataCollection: [],
    comment: '',
  });
  const all = [req(1, alice), req(2, dana, 'Contractor'), req(3, null), req(4, dana)];

  it('a name finds the people, then their bindable requests, every row named', async () => {
    const directory = await openCachedDirectory({
      adapter: fakeAdapter([alice, dana]),
      dir: testTempDir('dircache-'),
      now: () => new Date(),
      freshMs: 1e9,
      maxAgeMs: 1e9,
      maxEntries: 10,
      quietAfterFailureMs: 0,
    });
    const allRequests = async () => ({ requests: [...all], source: 'live' as const, syncedAt: null });
    const found = await searchRequestsWithPeople({ directory, allRequests }, 'person 4', 100);
    expect(found.requests.map((r) => r.uuid)).toEqual([all[1]!.uuid, all[3]!.uuid]);
    expect(found.people).toMatchObject({ state: 'answered', users: [dana] });
    // Text still matches what it matched before (template), and empty lists everything, named.
    const byTemplate = await searchRequestsWithPeople({ directory, allRequests }, 'contractor', 100);
    expect(byTemplate.requests.map((r) => r.uuid)).toEqual([all[1]!.uuid]);
    const everything = await searchRequestsWithPeople({ directory, allRequests }, '', 100);
    expect(everything.requests).toHaveLength(4);
    expect(everything.people?.state === 'answered' && everything.people.users.map((u) => u.displayName).sort()).toEqual(['Person 1', 'Person 4']);
  });

  it('without a directory the search works as before and says the directory is unconfigured', async () => {
    const allRequests = async () => ({ requests: [...all], source: 'cache' as const, syncedAt: '2026-01-01T00:00:00Z' });
    const found = await searchRequestsWithPeople({ directory: UNCONFIGURED_DIRECTORY, allRequests }, 'contractor', 100);
    expect(found).toMatchObject({ source: 'cache', people: { state: 'unconfigured' } });
    expect(found.requests.map((r) => r.uuid)).toEqual([all[1]!.uuid]);
  });
});

describe('an unreachable directory', () => {
  it('is not asked again for a while: the copy answers at once, then the directory is tried again', async () => {
    const adapter = fakeAdapter([person(1)]);
    let now = Date.parse('2026-01-01T00:00:00Z');
    const cached = await openCachedDirectory({
      adapter,
      dir: testTempDir('dircache-'),
      now: () => new Date(now),
      freshMs: 0,
      maxAgeMs: 1e9,
      maxEntries: 10,
      quietAfterFailureMs: 30_000,
    });
    await cached.resolve([person(1).guid]);
    adapter.down = true;
    expect(await cached.search('Person', 5)).toMatchObject({ source: 'cache', failure: 'unreachable', users: [person(1)] });
    const calls = adapter.calls;
    now += 10_000;
    expect(await cached.resolve([person(1).guid])).toMatchObject({ source: 'cache', failure: 'unreachable' });
    expect(adapter.calls).toBe(calls);
    now += 30_000;
    adapter.down = false;
    expect(await cached.resolve([person(1).guid])).toMatchObject({ source: 'live', failure: null });
    expect(adapter.calls).toBe(calls + 1);
  });
});

describe('the LDAP simple bind password file (policy-only; the station runs as the operator)', () => {
  it('reads an owner-only file, and refuses one every local user can read, others can rewrite, or a link', async () => {
    const { chmodSync, symlinkSync } = await import('node:fs');
    const { readBindPassword } = await import('../../../src/main/directory/ldap');
    const dir = testTempDir('bind-pw-');
    const file = join(dir, 'pw');
    writeFileSync(file, 'secret\n', { mode: 0o600 });
    expect(readBindPassword(file, 'linux')).toBe('secret');
    chmodSync(file, 0o640);
    expect(readBindPassword(file, 'linux')).toBe('secret');
    chmodSync(file, 0o644);
    expect(() => readBindPassword(file, 'linux')).toThrow(/readable by every local user/);
    chmodSync(file, 0o620);
    expect(() => readBindPassword(file, 'linux')).toThrow(/writable by group or others/);
    chmodSync(file, 0o600);
    symlinkSync(file, join(dir, 'link'));
    expect(() => readBindPassword(join(dir, 'link'), 'linux')).toThrow(expect.objectContaining({ reason: 'config' }));
    expect(() => readBindPassword(join(dir, 'absent'), 'linux')).toThrow(expect.objectContaining({ reason: 'config' }));
  });
});
