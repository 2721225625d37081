import { NO_POLICY, parseJsonPolicy, type Policy, invalidPolicy } from '../policy';
import { nodePolicyFs, type PolicyFs, readRootOwnedFile } from './root-owned';

export const LINUX_POLICY_PATH = '/etc/enrollment-station/policy.json';

export interface LinuxPolicyDeps {
  path?: string;
  fs?: PolicyFs;
  /** Who must own the file and folder (root); tests that cannot chown name themselves. */
  rootUid?: number;
}

/** Linux: /etc/enrollment-station/policy.json, root-owned and writable by root only. */
export function readLinuxPolicy({ path = LINUX_POLICY_PATH, fs = nodePolicyFs, rootUid = 0 }: LinuxPolicyDeps = {}): Policy {
  const read = readRootOwnedFile(path, fs, rootUid);
  if (read.kind === 'missing') return NO_POLICY;
  if (read.kind === 'refused') return invalidPolicy(path, 'linux-etc', read.problems);
  return parseJsonPolicy(read.bytes, path, 'linux-etc');
}
