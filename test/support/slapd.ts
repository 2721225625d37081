import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A real OpenLDAP server (Debian's `slapd`) for the directory tests: its own slapd.conf, database
 * and self-signed certificate in a temp folder (never the system's /etc/ldap configuration),
 * listening with LDAPS on 127.0.0.1 only. Users are loaded with slapadd before it starts, so
 * their entryUUID can be the GUIDs CM uses for them (slapadd may set operational attributes).
 * A missing binary fails loudly, by name.
 */
export interface SeedUser {
  uid: string;
  displayName: string;
  /** entryUUID: the GUID CM knows this person by. */
  guid: string;
  mail?: string;
}

export interface Slapd {
  url: string;
  baseDn: string;
  bindDn: string;
  passwordFile: string;
  /** The self-signed certificate the server presents: the CA file the client trusts. */
  caFile: string;
  dir: string;
  stop(): Promise<void>;
}

export const BASE_DN = 'dc=contoso,dc=test';
const SLAPD = '/usr/sbin/slapd';
const SLAPADD = '/usr/sbin/slapadd';

function requireTools(): void {
  const missing = [SLAPD, SLAPADD, '/usr/bin/openssl'].filter((p) => !existsSync(p));
  if (missing.length > 0) {
    throw new Error(`slapd tests need ${missing.join(', ')}: apt-get install --no-install-recommends slapd ldap-utils openssl`);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/** LDIF line `attr: value`, base64 (`attr:: …`) whenever the value is not safe ASCII (RFC 2849). */
function ldifLine(attr: string, value: string): string {
  // SAFE-STRING: printable ASCII, not starting with space, colon or "<", not ending with a space.
  const safe = /^[!-9;=-~][ -~]*$/.test(value) && !value.endsWith(' ');
  return safe ? `${attr}: ${value}` : `${attr}:: ${Buffer.from(value, 'utf8').toString('base64')}`;
}

function seedLdif(users: readonly SeedUser[]): string {
  const blocks = [
    [`dn: ${BASE_DN}`, 'objectClass: dcObject', 'objectClass: organization', 'o: Contoso', 'dc: contoso'],
    [`dn: ou=people,${BASE_DN}`, 'objectClass: organizationalUnit', 'ou: people'],
    ...users.map((u) => [
      `dn: uid=${u.uid},ou=people,${BASE_DN}`,
      'objectClass: inetOrgPerson',
      ldifLine('uid', u.uid),
      ldifLine('cn', u.displayName),
      ldifLine('sn', u.displayName.split(' ').pop() || u.displayName),
      ldifLine('displayName', u.displayName),
      ...(u.mail ? [ldifLine('mail', u.mail)] : []),
      `entryUUID: ${u.guid}`,
    ]),
  ];
  return blocks.map((b) => b.join('\n')).join('\n\n') + '\n';
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`slapd exited with code ${child.exitCode} before listening`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = new Socket();
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
      socket.connect(port, '127.0.0.1');
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`slapd did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

export async function startSlapd(users: readonly SeedUser[]): Promise<Slapd> {
  requireTools();
  const dir = mkdtempSync(join(tmpdir(), 'slapd-'));
  const db = join(dir, 'db');
  mkdirSync(db);
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync(
    '/usr/bin/openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-keyout',
      key,
      '-out',
      cert,
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  const password = 'directory-reader-secret';
  const passwordFile = join(dir, 'bind-password');
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  const bindDn = `cn=admin,${BASE_DN}`;
  const conf = join(dir, 'slapd.conf');
  writeFileSync(
    conf,
    [
      'include /etc/ldap/schema/core.schema',
      'include /etc/ldap/schema/cosine.schema',
      'include /etc/ldap/schema/inetorgperson.schema',
      'modulepath /usr/lib/ldap',
      'moduleload back_mdb',
      `pidfile ${join(dir, 'slapd.pid')}`,
      `TLSCertificateFile ${cert}`,
      `TLSCertificateKeyFile ${key}`,
      'database mdb',
      `suffix "${BASE_DN}"`,
      `rootdn "${bindDn}"`,
      `rootpw ${password}`,
      `directory ${db}`,
      'index objectClass eq',
      // Only an authenticated station reads people; anonymous reads nothing.
      'access to * by users read by anonymous auth',
      '',
    ].join('\n'),
  );
  const ldif = join(dir, 'seed.ldif');
  writeFileSync(ldif, seedLdif(users));
  execFileSync(SLAPADD, ['-f', conf, '-l', ldif], { stdio: ['ignore', 'ignore', 'pipe'] });

  const port = await freePort();
  const url = `ldaps://127.0.0.1:${port}`;
  const child = spawn(SLAPD, ['-f', conf, '-h', `${url}/`, '-d', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  try {
    await waitForPort(port, child, 10_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n${stderr}`, { cause: err });
  }
  return {
    url,
    baseDn: BASE_DN,
    bindDn,
    passwordFile,
    caFile: cert,
    dir,
    stop: () =>
      new Promise<void>((resolve) => {
        const done = () => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        };
        if (child.exitCode !== null) return done();
        child.once('exit', done);
        child.kill('SIGTERM');
      }),
  };
}

/** A machine policy that names people from this server (src/shared/settings.ts, "directory"). */
export function directoryPolicy(slapd: Slapd) {
  // A machine policy document (src/main/config/policy.ts): top-level keys are IT's mandatory values.
  return {
    directoryKind: 'ldap',
    directoryLdapUrl: slapd.url,
    directoryLdapCaFile: slapd.caFile,
    directoryLdapBindDn: slapd.bindDn,
    directoryLdapBindPasswordFile: slapd.passwordFile,
    directoryLdapBaseDn: slapd.baseDn,
    directoryLdapGuidAttribute: 'entryUUID',
    directoryLdapAccountAttribute: 'uid',
    directoryAccountDomain: 'CONTOSO',
  };
}
