import type { Settings } from '../../shared/settings';
import { type DirectoryService, openCachedDirectory, UNCONFIGURED_DIRECTORY } from './cached-directory';
import type { DirectoryAdapter } from './types';

export interface DirectoryEnvironment {
  dataDir: string;
  now: () => Date;
  platform: NodeJS.Platform;
  /** USERDNSDOMAIN is set for a domain account's session on a domain-joined Windows PC. */
  env: Readonly<Record<string, string | undefined>>;
  log?: (message: string) => void;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Names are asked again after an hour; older entries still answer while the directory is down. */
const FRESH_MS = 60 * 60 * 1000;
const MAX_ENTRIES = 5_000;
/** An unreachable directory is asked again after this long; the copy answers meanwhile. */
const QUIET_AFTER_FAILURE_MS = 30_000;
/** A name look-up is a convenience: never wait on it as long as on CM. */
const MAX_DIRECTORY_TIMEOUT_MS = 5_000;

/** Which adapter machine policy asks for; 'auto' is AD on a domain-joined Windows PC. */
export function directoryKindFor(settings: Settings, env: Pick<DirectoryEnvironment, 'platform' | 'env'>): 'none' | 'ldap' | 'ad' {
  if (settings.directoryKind === 'auto') return env.platform === 'win32' && env.env['USERDNSDOMAIN'] ? 'ad' : 'none';
  return settings.directoryKind;
}

/** The directory the settings configure, cached on disk; never required (none = unconfigured). */
export async function openDirectory(settings: Settings, env: DirectoryEnvironment): Promise<DirectoryService> {
  const kind = directoryKindFor(settings, env);
  if (kind === 'none') return UNCONFIGURED_DIRECTORY;
  const timeoutMs = Math.min(settings.cmTimeoutMs, MAX_DIRECTORY_TIMEOUT_MS);
  let adapter: DirectoryAdapter;
  if (kind === 'ad') {
    // Each adapter is loaded here, when the settings ask for it (start-up: bench/startup.ts).
    const { createAdDirectory } = await import('./ad');
    adapter = createAdDirectory({ timeoutMs });
  } else {
    if (settings.directoryLdapUrl === '' || settings.directoryLdapBaseDn === '') {
      env.log?.('directory: ldap needs directoryLdapUrl and directoryLdapBaseDn; names are unavailable');
      return UNCONFIGURED_DIRECTORY;
    }
    const { createLdapDirectory } = await import('./ldap');
    adapter = createLdapDirectory({
      url: settings.directoryLdapUrl,
      caFile: settings.directoryLdapCaFile,
      bindDn: settings.directoryLdapBindDn,
      bindPasswordFile: settings.directoryLdapBindPasswordFile,
      baseDn: settings.directoryLdapBaseDn,
      guidAttribute: settings.directoryLdapGuidAttribute,
      accountAttribute: settings.directoryLdapAccountAttribute,
      accountDomain: settings.directoryAccountDomain,
      timeoutMs,
    });
  }
  return openCachedDirectory({
    adapter,
    dir: env.dataDir,
    now: env.now,
    freshMs: FRESH_MS,
    maxAgeMs: settings.directoryCacheDays * DAY_MS,
    maxEntries: MAX_ENTRIES,
    quietAfterFailureMs: QUIET_AFTER_FAILURE_MS,
    ...(env.log ? { log: env.log } : {}),
  });
}
