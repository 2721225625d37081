import { lstatSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { Client, Entry, InvalidCredentialsError } from 'ldapts';
import { normalizeGuid } from '../../shared/cm';
import { escapeBinaryValue, escapeFilterValue, guidFilter, MAX_GUIDS_PER_FILTER, nameSearchFilter } from './filter';
import { guidFromObjectGuid, objectGuidFromGuid } from './guid';
import { type DirectoryAdapter, DirectoryError, type DirectoryUser } from './types';

export interface LdapDirectoryConfig {
  /** `ldaps://host:636` (TLS from the start) or `ldap://host:389` (StartTLS before anything else). */
  url: string;
  /** PEM file of the CA that signed the server's certificate; '' = the system's trust store. */
  caFile: string;
  /** '' = anonymous bind. */
  bindDn: string;
  /** File holding the bind password (readable by the station only); '' with an anonymous bind. */
  bindPasswordFile: string;
  baseDn: string;
  /** `objectGUID` (Active Directory, 16 bytes) or `entryUUID` (OpenLDAP, RFC 4530 string). */
  guidAttribute: 'objectGUID' | 'entryUUID';
  /** `sAMAccountName` on AD, `uid` on OpenLDAP. */
  accountAttribute: string;
  /** NetBIOS domain shown before the account (`CONTOSO\dana`); '' = the account alone. */
  accountDomain: string;
  timeoutMs: number;
}

const NAME = 'displayName';
const UPN = 'userPrincipalName';
const MAIL = 'mail';
/**
 * Only people. AD (objectGUID) knows objectCategory, and computers are `user` objects there too;
 * other servers (entryUUID) may not define objectCategory, and an undefined attribute makes a
 * filter Undefined (RFC 4511 4.5.1.7), so they get the plain `person` class.
 */
const AD_PEOPLE = '(&(objectCategory=person)(objectClass=user))';
const LDAP_PEOPLE = '(objectClass=person)';

/** Any LDAP server through ldapts; a fresh connection per operation (directory look-ups are rare). */
export function createLdapDirectory(config: LdapDirectoryConfig): DirectoryAdapter {
  const secure = config.url.startsWith('ldaps://');
  if (!secure && !config.url.startsWith('ldap://')) {
    throw new DirectoryError('config', `directoryLdapUrl must start with ldaps:// or ldap:// (got "${config.url}")`);
  }
  const tlsOptions = () => {
    // SNI names a host, never an IP address (RFC 6066); the certificate is checked either way.
    const host = new URL(config.url).hostname;
    return {
      ...(isIP(host) ? {} : { servername: host }),
      minVersion: 'TLSv1.2' as const,
      ...(config.caFile ? { ca: [readFileSync(config.caFile)] } : {}),
    };
  };
  const binary = config.guidAttribute === 'objectGUID';
  const PEOPLE = binary ? AD_PEOPLE : LDAP_PEOPLE;
  const attributes = [config.guidAttribute, NAME, config.accountAttribute, UPN, MAIL, 'cn'];

  async function withClient<T>(work: (client: Client) => Promise<T>): Promise<T> {
    // The LDAP client is loaded on the first directory call, not at start-up (bench/startup.ts).
    const ldap = await import('ldapts');
    let client: Client;
    try {
      client = new ldap.Client({
        url: config.url,
        timeout: config.timeoutMs,
        connectTimeout: config.timeoutMs,
        ...(secure ? { tlsOptions: tlsOptions() } : {}),
      });
    } catch (err) {
      throw new DirectoryError('config', `cannot use the directory configuration: ${messageOf(err)}`);
    }
    try {
      // Never a plaintext bind: ldap:// upgrades with StartTLS (RFC 4513) before binding.
      if (!secure) await client.startTLS(tlsOptions());
      if (config.bindDn) {
        const password = readBindPassword(config.bindPasswordFile);
        await client.bind(config.bindDn, password);
      }
      return await work(client);
    } catch (err) {
      throw classify(err, ldap.InvalidCredentialsError);
    } finally {
      // Closing after the search: its failure changes nothing the caller can use.
      await client.unbind().catch(() => {
        // Closing after the search changes nothing for the caller.
      });
    }
  }

  function toUser(entry: Entry): DirectoryUser | null {
    const rawGuid = first(entry[config.guidAttribute]);
    let guid: string | null = null;
    if (rawGuid instanceof Buffer) guid = rawGuid.length === 16 ? guidFromObjectGuid(rawGuid) : normalizeGuid(rawGuid.toString('utf8'));
    else if (typeof rawGuid === 'string') guid = normalizeGuid(rawGuid);
    if (!guid) return null;
    const text = (value: unknown): string | null => {
      const v = first(value);
      return typeof v === 'string' && v !== '' ? v : v instanceof Buffer ? v.toString('utf8') : null;
    };
    const account = text(entry[config.accountAttribute]) ?? '';
    return {
      guid,
      displayName: text(entry[NAME]) ?? text(entry['cn']) ?? account,
      account: account && config.accountDomain ? `${config.accountDomain}\\${account}` : account,
      upn: text(entry[UPN]) ?? text(entry[MAIL]),
    };
  }

  async function find(client: Client, filter: string, sizeLimit: number): Promise<DirectoryUser[]> {
    const { searchEntries } = await client.search(config.baseDn, {
      scope: 'sub',
      filter,
      attributes,
      sizeLimit,
      timeLimit: Math.ceil(config.timeoutMs / 1000),
      explicitBufferAttributes: binary ? [config.guidAttribute] : [],
    });
    return searchEntries.map(toUser).filter((u): u is DirectoryUser => u !== null);
  }

  return {
    kind: 'ldap',
    async lookup(guids) {
      const wanted = [...new Set(guids.map((g) => normalizeGuid(g)).filter((g): g is string => g !== null))];
      if (wanted.length === 0) return [];
      return withClient(async (client) => {
        const found: DirectoryUser[] = [];
        for (let i = 0; i < wanted.length; i += MAX_GUIDS_PER_FILTER) {
          const chunk = wanted.slice(i, i + MAX_GUIDS_PER_FILTER);
          const values = chunk.map((g) => (binary ? escapeBinaryValue(objectGuidFromGuid(g)) : escapeFilterValue(g)));
          found.push(...(await find(client, guidFilter(config.guidAttribute, values, PEOPLE), chunk.length)));
        }
        return found;
      });
    },
    async search(text, limit) {
      if (text.trim() === '') return [];
      const filter = nameSearchFilter(text, [NAME, config.accountAttribute, UPN, MAIL], PEOPLE);
      return withClient((client) => find(client, filter, limit));
    },
    async close() {
      // Connections live for one operation: nothing stays open.
    },
  };
}

function first(value: unknown): unknown {
  return Array.isArray(value) ? value[0] : value;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function classify(err: unknown, invalidCredentials: typeof InvalidCredentialsError): DirectoryError {
  if (err instanceof DirectoryError) return err;
  if (err instanceof invalidCredentials) return new DirectoryError('auth', `the directory refused the bind: ${messageOf(err)}`);
  const code = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
  if (/^E(CONNREFUSED|CONNRESET|HOSTUNREACH|NETUNREACH|NOTFOUND|TIMEDOUT|AI_AGAIN)$/.test(code) || /timeout|timed out|connect/i.test(messageOf(err))) {
    return new DirectoryError('unreachable', `the directory cannot be reached: ${messageOf(err)}`);
  }
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL/.test(code))
    return new DirectoryError('tls', `the directory's certificate is not trusted: ${messageOf(err)}`);
  if (code === 'ENOENT' || code === 'EACCES') return new DirectoryError('config', `a configured directory file cannot be read: ${messageOf(err)}`);
  return new DirectoryError('protocol', `the directory answered unexpectedly: ${messageOf(err)}`);
}

/**
 * The simple bind's password, from the file machine policy names. The station runs as the operator,
 * so whatever it can read, the operator can read too (docs/deploying.md says so, and prefers the
 * `ad` directory, which binds with the operator's own Kerberos ticket and has no secret at all).
 * What can be refused is worse: on Linux and macOS a file any local user may read, one others may
 * rewrite, or a symbolic link (which could be pointed elsewhere). Windows keeps the file's ACL.
 */
export function readBindPassword(path: string, platform: NodeJS.Platform = process.platform): string {
  if (platform !== 'win32') {
    let info;
    try {
      info = lstatSync(path);
    } catch (err) {
      throw new DirectoryError('config', `the bind password file cannot be read: ${messageOf(err)}`);
    }
    if (info.isSymbolicLink() || !info.isFile()) throw new DirectoryError('config', `the bind password file ${path} is not a regular file`);
    if ((info.mode & 0o004) !== 0) {
      throw new DirectoryError(
        'config',
        `the bind password file ${path} is readable by every local user: make it readable by the station's users only (chmod 0640 or 0600)`,
      );
    }
    if ((info.mode & 0o022) !== 0)
      throw new DirectoryError('config', `the bind password file ${path} is writable by group or others: only its owner may change it`);
  }
  return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
}
