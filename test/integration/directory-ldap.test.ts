import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCachedDirectory } from '../../src/main/directory';
import { createLdapDirectory, type LdapDirectoryConfig } from '../../src/main/directory/ldap';
import { DirectoryError } from '../../src/main/directory/types';
import { seedGuid } from '../../src/main/training/cm-sim';
import { DIRECTORY_PEOPLE } from '../support/directory-people';
import { type Slapd, startSlapd } from '../support/slapd';
import { testTempDir } from '../support/temp-dir';

let slapd: Slapd;
let config: LdapDirectoryConfig;

beforeAll(async () => {
  slapd = await startSlapd(DIRECTORY_PEOPLE);
  config = {
    url: slapd.url,
    caFile: slapd.caFile,
    bindDn: slapd.bindDn,
    bindPasswordFile: slapd.passwordFile,
    baseDn: slapd.baseDn,
    guidAttribute: 'entryUUID',
    accountAttribute: 'uid',
    accountDomain: 'CONTOSO',
    timeoutMs: 5_000,
  };
});
afterAll(async () => {
  await slapd?.stop();
});

const names = (users: { displayName: string }[]) => users.map((u) => u.displayName).sort();

describe('the ldap directory against a real slapd (LDAPS, bound as configured, entryUUID)', () => {
  it('finds Dana by first name, last name and account, with her CM GUID and DOMAIN\\account', async () => {
    const directory = createLdapDirectory(config);
    for (const text of ['Dana', 'okafor', 'dana oka', 'dana@contoso']) {
      const users = await directory.search(text, 10);
      expect(users, text).toEqual([{ guid: seedGuid('user/dana'), displayName: 'Dana Okafor', account: 'CONTOSO\\dana', upn: 'dana@contoso.test' }]);
    }
  });

  it('resolves CM user GUIDs to people (unknown GUIDs are simply absent)', async () => {
    const directory = createLdapDirectory(config);
    const users = await directory.lookup([seedGuid('user/alice'), seedGuid('user/chen'), '00000000-0000-0000-0000-0000000000aa']);
    expect(names(users)).toEqual(['Alice Martin', 'Chen Wei']);
  });

  it('matches accented names and quotes literally', async () => {
    const directory = createLdapDirectory(config);
    expect(names(await directory.search('Zoë', 10))).toEqual(['Zoë Ångström-Łukasiewicz']);
    expect(names(await directory.search('Ångström', 10))).toEqual(['Zoë Ångström-Łukasiewicz']);
    expect(names(await directory.search("O'Brien", 10))).toEqual(['Sinéad O\'Brien "Shay"']);
  });

  it('escapes * ( ) and \\ per RFC 4515: they match themselves and never widen or break the filter', async () => {
    const directory = createLdapDirectory(config);
    expect(names(await directory.search('Star*', 10))).toEqual(['Star*Name']);
    expect(names(await directory.search('Star', 10))).toEqual(['Star*Name', 'Starling Person']);
    expect(names(await directory.search('(Contractor)', 10))).toEqual(['Paren (Contractor)']);
    expect(names(await directory.search('Back\\Slash', 10))).toEqual(['Back\\Slash']);
    expect(await directory.search('*', 10)).toEqual([]);
    expect(await directory.search(')(uid=*', 10)).toEqual([]);
  });

  it('a wrong bind password is an auth failure; an untrusted certificate a TLS failure', async () => {
    const wrong = join(testTempDir('dir-'), 'pw');
    (await import('node:fs')).writeFileSync(wrong, 'not-the-password', { mode: 0o600 });
    await expect(createLdapDirectory({ ...config, bindPasswordFile: wrong }).search('Dana', 5)).rejects.toMatchObject({ reason: 'auth' });
    await expect(createLdapDirectory({ ...config, caFile: '' }).search('Dana', 5)).rejects.toMatchObject({ reason: 'tls' });
  });

  it('StartTLS is required on ldap://: a server without it fails closed (no plaintext bind)', async () => {
    // slapd listens only on ldaps:// here: speaking ldap:// to it fails before any bind is sent.
    const plain = createLdapDirectory({ ...config, url: slapd.url.replace('ldaps://', 'ldap://') });
    await expect(plain.search('Dana', 5)).rejects.toBeInstanceOf(DirectoryError);
  });

  it('cached: names still resolve from the copy when the server is gone, labelled as the cache', async () => {
    const dir = testTempDir('dir-cache-');
    let now = new Date('2026-12-01T10:00:00Z');
    const open = (url: string) =>
      openCachedDirectory({
        adapter: createLdapDirectory({ ...config, url }),
        dir,
        now: () => now,
        freshMs: 60_000,
        maxAgeMs: 86_400_000,
        maxEntries: 100,
        quietAfterFailureMs: 30_000,
      });
    const live = await open(config.url);
    const first = await live.search('Dana', 5);
    expect(first).toMatchObject({ state: 'answered', source: 'live', failure: null });
    now = new Date('2026-12-01T12:00:00Z');
    // A new station process, the directory unreachable (nothing listens on port 1).
    const offline = await open('ldaps://127.0.0.1:1');
    const resolved = await offline.resolve([seedGuid('user/dana')]);
    expect(resolved).toMatchObject({ state: 'answered', source: 'cache', failure: 'unreachable', cachedAt: '2026-12-01T10:00:00.000Z' });
    expect(resolved.state === 'answered' && resolved.users.map((u) => u.account)).toEqual(['CONTOSO\\dana']);
    const searched = await offline.search('okafor', 5);
    expect(searched.state === 'answered' && searched.users.map((u) => u.displayName)).toEqual(['Dana Okafor']);
  });
});
