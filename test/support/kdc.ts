// A real, throw-away Kerberos realm for the Negotiate tests: MIT krb5kdc (Debian krb5-kdc) with its
// own database, config and keytabs in a temporary folder, listening on loopback inside the private
// network namespace native/netns-run.mjs opens (so its port is invisible to the rest of the machine).
//
// Principals: a user (`operator`) whose ticket cache is filled with `kinit` from a keytab, as a
// domain sign-in would fill it, and one HTTP service principal per name in `services`, each in its
// own keytab so a test can start a server that holds the right key or the wrong one.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertInsideTestNetns } from './pcsc-stack';

export const REALM = 'STATION.TEST';
export const USER = 'operator';

/** Debian puts the KDC tools in /usr/sbin, kinit/klist in /usr/bin. */
const TOOLS = {
  krb5kdc: '/usr/sbin/krb5kdc',
  kdb5_util: '/usr/sbin/kdb5_util',
  'kadmin.local': '/usr/sbin/kadmin.local',
  kinit: '/usr/bin/kinit',
} as const;

export interface Kdc {
  realm: string;
  /**
   * The environment every Kerberos client and server of the realm needs (KRB5_CONFIG), and where an
   * acceptor keeps its replay cache (KRB5RCACHEDIR): the realm's folder, removed at close, not TMPDIR.
   */
  env: Record<string, string>;
  /** A ticket cache holding the user's TGT (`kinit`): what a domain sign-in gives. */
  ticketCache: string;
  /** A cache path with no ticket in it: a session that never signed in. */
  emptyCache: string;
  /** keytab of HTTP/<host> for each service host. */
  keytab(host: string): string;
  close(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function run(tool: keyof typeof TOOLS, args: string[], env: NodeJS.ProcessEnv): void {
  const result = spawnSync(TOOLS[tool], args, { env, encoding: 'utf8', timeout: 20_000 });
  if (result.status !== 0) {
    throw new Error(`${tool} ${args.join(' ')} failed (${result.status}): ${result.stderr || result.stdout || result.error?.message}`);
  }
}

/** Fails loudly when a tool is missing: the suite never skips. */
export function assertKdcTools(): void {
  const missing = Object.values(TOOLS).filter((path) => {
    try {
      accessSync(path, constants.X_OK);
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length > 0) {
    throw new Error(`Kerberos test realm: missing ${missing.join(', ')}. apt-get install krb5-kdc krb5-admin-server krb5-user`);
  }
}

export async function startKdc(options: { services: readonly string[] }): Promise<Kdc> {
  assertInsideTestNetns();
  assertKdcTools();
  const dir = mkdtempSync(join(tmpdir(), 'kdc-'));
  const port = await freePort();
  const krb5Conf = join(dir, 'krb5.conf');
  const kdcConf = join(dir, 'kdc.conf');
  writeFileSync(
    krb5Conf,
    [
      '[libdefaults]',
      `  default_realm = ${REALM}`,
      // The SPN is built from the host name exactly as given (what IT registers with setspn); no DNS.
      '  dns_canonicalize_hostname = false',
      '  rdns = false',
      '  dns_lookup_kdc = false',
      '  dns_lookup_realm = false',
      '  udp_preference_limit = 1',
      '[realms]',
      `  ${REALM} = {`,
      `    kdc = 127.0.0.1:${port}`,
      '  }',
      '[domain_realm]',
      `  localhost = ${REALM}`,
      '',
    ].join('\n'),
  );
  writeFileSync(
    kdcConf,
    [
      '[kdcdefaults]',
      `  kdc_ports = ${port}`,
      `  kdc_tcp_ports = ${port}`,
      '[realms]',
      `  ${REALM} = {`,
      `    database_name = ${join(dir, 'principal')}`,
      `    key_stash_file = ${join(dir, 'stash')}`,
      `    acl_file = ${join(dir, 'kadm5.acl')}`,
      '  }',
      '[logging]',
      `  kdc = FILE:${join(dir, 'kdc.log')}`,
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'kadm5.acl'), '');
  const env = { KRB5_CONFIG: krb5Conf, KRB5_KDC_PROFILE: kdcConf, KRB5RCACHEDIR: dir };
  const toolEnv = { ...process.env, ...env };

  let kdc: ChildProcess | null = null;
  try {
    run('kdb5_util', ['create', '-s', '-r', REALM, '-P', 'throw-away-master-key'], toolEnv);
    const keytabs = new Map<string, string>();
    run('kadmin.local', ['-r', REALM, '-q', `addprinc -randkey ${USER}`], toolEnv);
    run('kadmin.local', ['-r', REALM, '-q', `ktadd -k ${join(dir, 'user.keytab')} ${USER}`], toolEnv);
    for (const [index, host] of options.services.entries()) {
      const keytab = join(dir, `http-${index}.keytab`);
      run('kadmin.local', ['-r', REALM, '-q', `addprinc -randkey HTTP/${host}`], toolEnv);
      run('kadmin.local', ['-r', REALM, '-q', `ktadd -k ${keytab} HTTP/${host}`], toolEnv);
      keytabs.set(host, keytab);
    }

    kdc = spawn(TOOLS.krb5kdc, ['-n', '-r', REALM], { env: toolEnv, stdio: ['ignore', 'ignore', 'pipe'] });
    let kdcErrors = '';
    kdc.stderr?.on('data', (chunk: Buffer) => (kdcErrors += chunk.toString()));
    const ticketCache = join(dir, 'ccache');
    // kinit retries until the KDC answers: it needs a moment to open its ports.
    const deadline = Date.now() + 10_000;
    for (;;) {
      const result = spawnSync(TOOLS.kinit, ['-k', '-t', join(dir, 'user.keytab'), '-c', `FILE:${ticketCache}`, `${USER}@${REALM}`], {
        env: toolEnv,
        encoding: 'utf8',
      });
      if (result.status === 0) break;
      if (kdc.exitCode !== null || Date.now() > deadline) {
        throw new Error(`The test KDC did not issue a ticket: ${result.stderr} ${kdcErrors}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    const running = kdc;
    return {
      realm: REALM,
      env,
      ticketCache: `FILE:${ticketCache}`,
      emptyCache: `FILE:${join(dir, 'no-ticket-ccache')}`,
      keytab(host) {
        const keytab = keytabs.get(host);
        if (!keytab) throw new Error(`no HTTP/${host} in the test realm`);
        return keytab;
      },
      async close() {
        if (running.exitCode === null) {
          const exited = new Promise((resolve) => running.once('exit', resolve));
          running.kill('SIGTERM');
          await exited;
        }
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    kdc?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
