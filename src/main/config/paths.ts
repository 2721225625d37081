import { posix, win32 } from 'node:path';

export const POLICY_FILE_NAME = 'policy.json';

export interface PolicyLocationDeps {
  platform: NodeJS.Platform;
  env: Readonly<Record<string, string | undefined>>;
}

/** Windows environment names are case-insensitive; an injected env object is a plain record. */
function windowsEnv(env: PolicyLocationDeps['env'], name: string): string | undefined {
  const key = Object.keys(env).find((k) => k.toLowerCase() === name.toLowerCase());
  const value = key === undefined ? undefined : env[key];
  return value === undefined || value.trim() === '' ? undefined : value;
}

/**
 * Where IT deploys the machine policy. Every location is writable by administrators only (on
 * Windows once IT has applied the ACL described in docs/deploying.md), which is what makes the
 * file an organisation's decision rather than the operator's.
 */
export function policyFilePath({ platform, env }: PolicyLocationDeps): string {
  switch (platform) {
    case 'win32':
      return win32.join(windowsEnv(env, 'ProgramData') ?? 'C:\\ProgramData', 'Enrollment Station', POLICY_FILE_NAME);
    case 'darwin':
      return posix.join('/Library/Application Support/Enrollment Station', POLICY_FILE_NAME);
    default:
      // Linux and any other POSIX system: the FHS place for host-specific configuration.
      return posix.join('/etc/enrollment-station', POLICY_FILE_NAME);
  }
}
