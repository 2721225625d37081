import { parse, parseBinary } from 'plist';
import { APP_ID } from '../policy-keys';
import { invalidPolicy, NO_POLICY, type Policy, policyFromDocument } from '../policy';
import { nodePolicyFs, type PolicyFs, readRootOwnedFile } from './root-owned';

/**
 * macOS: the managed preferences of the app's domain, which only an MDM profile (or an
 * administrator) writes: /Library/Managed Preferences/<app id>.plist, root-owned. Chrome, Edge,
 * Firefox and Mattermost read their policies from the same place. The file is binary or XML.
 */
export const MACOS_POLICY_PATH = `/Library/Managed Preferences/${APP_ID}.plist`;

export interface MacPolicyDeps {
  path?: string;
  fs?: PolicyFs;
  rootUid?: number;
}

const BINARY_MAGIC = Buffer.from('bplist00', 'latin1');

export function parseManagedPreferences(bytes: Uint8Array, source: string): Policy {
  const buffer = Buffer.from(bytes);
  let doc: unknown;
  try {
    doc = buffer.subarray(0, BINARY_MAGIC.length).equals(BINARY_MAGIC) ? parseBinary(buffer) : parse(buffer.toString('utf8'));
  } catch (err) {
    return invalidPolicy(source, 'macos-managed-preferences', [`not a property list: ${err instanceof Error ? err.message : String(err)}`]);
  }
  return policyFromDocument(doc, source, 'macos-managed-preferences');
}

export function readMacPolicy({ path = MACOS_POLICY_PATH, fs = nodePolicyFs, rootUid = 0 }: MacPolicyDeps = {}): Policy {
  const read = readRootOwnedFile(path, fs, rootUid);
  if (read.kind === 'missing') return NO_POLICY;
  if (read.kind === 'refused') return invalidPolicy(path, 'macos-managed-preferences', read.problems);
  return parseManagedPreferences(read.bytes, path);
}
