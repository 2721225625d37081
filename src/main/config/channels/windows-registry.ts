import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemTool } from '../../common';
import { parseRegExport, type RegistryValue } from './reg-export';
import { type PolicyKeySpec, POLICY_PRODUCT, POLICY_REGISTRY_KEY, policyKeySpecs, RECOMMENDED } from '../policy-keys';
import { invalidPolicy, NO_POLICY, type Policy, policyFromDocument } from '../policy';

/**
 * Windows: HKLM\SOFTWARE\Policies\EnrollmentStation, where Group Policy and Intune (ADMX ingestion)
 * write and only administrators can (Chrome, Edge, Firefox and Mattermost read theirs the same
 * way). Values are typed per key: REG_SZ for text, REG_DWORD for numbers (what the ADMX `decimal`
 * element writes; REG_QWORD is read too) and 0/1 switches, REG_MULTI_SZ for lists (and
 * "number=Name" lines for maps). Recommended values live in the Recommended subkey. REG_EXPAND_SZ
 * is refused: it expands environment variables, which any user sets for their own session. Only
 * HKLM is machine policy: HKCU\SOFTWARE\Policies is never read.
 */
export const WINDOWS_POLICY_SOURCE = `HKLM\\${POLICY_REGISTRY_KEY}`;

export type { RegistryValue } from './reg-export';

/** The values of one key under HKLM; null when the key does not exist. Either may throw: the policy is then invalid. */
export interface RegistryAccess {
  readValues(keyPath: string): readonly RegistryValue[] | null;
  /** The names of the key's subkeys (an unknown one makes the policy invalid); absent: not known. */
  subkeys?(keyPath: string): readonly string[];
}

const EXPECTED: Record<PolicyKeySpec['kind'], string> = {
  string: 'REG_SZ',
  enum: 'REG_SZ',
  number: 'REG_DWORD',
  boolean: 'REG_DWORD (0 or 1)',
  list: 'REG_MULTI_SZ',
  map: 'REG_MULTI_SZ ("number=Name" per line)',
};

/** One registry value as the plain value the schema checks, or the problem with its type. */
function toPlain(spec: PolicyKeySpec, value: RegistryValue): { value: unknown } | { problem: string } {
  const wrong = { problem: `${value.name}: ${value.type} given, ${EXPECTED[spec.kind]} expected` };
  switch (spec.kind) {
    case 'string':
    case 'enum':
      return value.type === 'REG_SZ' ? { value: value.data } : wrong;
    case 'number':
      if (value.type !== 'REG_DWORD' && value.type !== 'REG_QWORD') return wrong;
      if (typeof value.data !== 'number' || !Number.isSafeInteger(value.data)) return { problem: `${value.name}: unreadable ${value.type} data` };
      return { value: value.data };
    case 'boolean':
      if (value.type !== 'REG_DWORD') return wrong;
      if (value.data !== 0 && value.data !== 1) return { problem: `${value.name}: ${String(value.data)} given, 0 or 1 expected` };
      return { value: value.data === 1 };
    case 'list':
      return value.type === 'REG_MULTI_SZ' ? { value: value.data } : wrong;
    case 'map': {
      if (value.type !== 'REG_MULTI_SZ') return wrong;
      const lines = value.data as string[];
      const bad = lines.find((line) => !/^[^=]+=.*$/.test(line));
      if (bad !== undefined) return { problem: `${value.name}: "${bad}" is not a "number=Name" line` };
      return { value: Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf('=')).trim(), line.slice(line.indexOf('=') + 1).trim()])) };
    }
  }
}

function toDocument(values: readonly RegistryValue[], where: string, problems: string[]): Record<string, unknown> {
  const specs = new Map(policyKeySpecs().map((spec) => [spec.key as string, spec]));
  const doc: Record<string, unknown> = {};
  for (const value of values) {
    const spec = specs.get(value.name);
    if (!spec) {
      problems.push(`${where}${value.name}: unknown value (known: ${[...specs.keys()].join(', ')})`);
      continue;
    }
    const plain = toPlain(spec, value);
    if ('problem' in plain) problems.push(`${where}${plain.problem}`);
    else doc[value.name] = plain.value;
  }
  return doc;
}

export function readWindowsPolicy(registry: RegistryAccess): Policy {
  let mandatory: readonly RegistryValue[] | null;
  let recommended: readonly RegistryValue[] | null;
  try {
    mandatory = registry.readValues(POLICY_REGISTRY_KEY);
    recommended = registry.readValues(`${POLICY_REGISTRY_KEY}\\${RECOMMENDED}`);
  } catch (err) {
    return invalidPolicy(WINDOWS_POLICY_SOURCE, 'windows-registry', [`the registry key cannot be read: ${err instanceof Error ? err.message : String(err)}`]);
  }
  if (mandatory === null && recommended === null) return NO_POLICY;
  const problems: string[] = [];
  try {
    for (const name of registry.subkeys?.(POLICY_REGISTRY_KEY) ?? []) {
      if (name.toLowerCase() !== RECOMMENDED.toLowerCase()) problems.push(`${name}: unknown subkey (known: ${RECOMMENDED})`);
    }
    for (const name of registry.subkeys?.(`${POLICY_REGISTRY_KEY}\\${RECOMMENDED}`) ?? []) problems.push(`${RECOMMENDED}\\${name}: unknown subkey`);
  } catch (err) {
    return invalidPolicy(WINDOWS_POLICY_SOURCE, 'windows-registry', [`the registry key cannot be read: ${err instanceof Error ? err.message : String(err)}`]);
  }
  const doc = toDocument(mandatory ?? [], '', problems);
  if (recommended !== null) doc[RECOMMENDED] = toDocument(recommended, `${RECOMMENDED}\\`, problems);
  if (problems.length > 0) return invalidPolicy(WINDOWS_POLICY_SOURCE, 'windows-registry', problems);
  return policyFromDocument(doc, WINDOWS_POLICY_SOURCE, 'windows-registry');
}

/**
 * How the registry is read: `reg.exe` (by absolute path from System32, system-tools.ts), not
 * @vscode/policy-watcher. The watcher asks for each value with the one type it expects (numbers as
 * REG_QWORD, while the ADMX writes REG_DWORD), reads a value of any other type as "not set" and falls
 * back to HKCU: a mistyped policy would quietly be no policy, and a per-user value machine policy.
 * `reg export` writes every value under the key with its real type (the format of the recorded
 * fixtures, test/fixtures/policy/*.reg), HKLM only (`/reg:64`: the 64-bit view Group Policy writes).
 * Anything that goes wrong (reg.exe missing, refused, timed out, an unreadable export) makes the
 * policy invalid; only the key's absence from `reg query HKLM\SOFTWARE\Policies` is "no policy".
 */
export type RegExeRunner = (args: readonly string[]) => Promise<{ code: number; stdout: string }>;

const REG_TIMEOUT_MS = 10_000;
const POLICIES_PARENT = 'SOFTWARE\\Policies';

export const runRegExe: RegExeRunner = (args) => {
  const { file, cwd } = systemTool('reg.exe');
  return new Promise((resolve, reject) => {
    execFile(file, [...args], { cwd, windowsHide: true, timeout: REG_TIMEOUT_MS, encoding: 'latin1' }, (err, stdout) => {
      if (err && typeof err.code !== 'number') return reject(err);
      resolve({ code: typeof err?.code === 'number' ? err.code : 0, stdout });
    });
  });
};

/** A registry that answers every question with this failure (readWindowsPolicy: invalid, naming it). */
function unreadable(reason: string): RegistryAccess {
  return {
    readValues: () => {
      throw new Error(reason);
    },
  };
}

/** The policy key as `reg export` writes it now, or the reason it could not be read. */
export async function readRegistryWithRegExe(run: RegExeRunner = runRegExe): Promise<RegistryAccess> {
  try {
    const listing = await run(['query', `HKLM\\${POLICIES_PARENT}`, '/reg:64']);
    if (listing.code !== 0) return unreadable(`reg query HKLM\\${POLICIES_PARENT} failed (exit ${listing.code})`);
    // Subkey lines are full paths; key names are ASCII, so the console code page cannot change them.
    const present = listing.stdout.split(/\r?\n/).some((line) => line.trim().toLowerCase() === `hkey_local_machine\\${POLICY_REGISTRY_KEY}`.toLowerCase());
    if (!present) return { readValues: () => null };
    const dir = mkdtempSync(join(tmpdir(), 'enrollment-station-policy-'));
    try {
      const file = join(dir, 'policy.reg');
      const exported = await run(['export', `HKLM\\${POLICY_REGISTRY_KEY}`, file, '/y', '/reg:64']);
      if (exported.code !== 0) return unreadable(`reg export failed (exit ${exported.code})`);
      const { keys } = parseRegExport(readFileSync(file));
      const paths = [...keys.keys()];
      return {
        readValues: (keyPath) => keys.get(keyPath.toLowerCase()) ?? null,
        subkeys: (keyPath) => {
          const prefix = `${keyPath.toLowerCase()}\\`;
          return [...new Set(paths.filter((p) => p.startsWith(prefix)).map((p) => p.slice(prefix.length).split('\\')[0]!))];
        },
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } catch (err) {
    return unreadable(err instanceof Error ? err.message : String(err));
  }
}

/**
 * Change notification only: @vscode/policy-watcher (VS Code's native module: RegisterGPNotification,
 * so it wakes when Group Policy applies). Every key is declared with all three of its types so that
 * text, list, switch and REG_QWORD changes are all seen; a REG_DWORD number is seen only as zero or
 * not (the module reads REG_DWORD as a boolean): such a change applies at the next start like any
 * other. Values are never taken from it: a change re-reads the registry with reg.exe. It is an
 * optional dependency built for Windows by electron-builder, loaded only on Windows; if it cannot be
 * loaded the policy is still read, and changes apply at the next start.
 */
export interface PolicyWatcherModule {
  createWatcher(
    productName: string,
    policies: Record<string, { type: 'string' | 'number' | 'boolean' | readonly ('string' | 'number' | 'boolean')[] }>,
    onDidChange: (update: Record<string, string | number | boolean | undefined>) => void,
    options?: { registryPath?: string },
  ): { dispose(): void };
}

export function watchPolicyChanges(
  onChange: () => void,
  // Loaded only here, on Windows: on Linux the optional native module is installed but not built.
  loadWatcher: () => PolicyWatcherModule = () => createRequire(import.meta.url)('@vscode/policy-watcher') as PolicyWatcherModule,
): { dispose(): void } {
  let watcher: PolicyWatcherModule;
  try {
    watcher = loadWatcher();
  } catch {
    // No notification: the policy read at start stands until the next start.
    return { dispose: () => undefined };
  }
  const declared = Object.fromEntries(policyKeySpecs().map((spec) => [spec.key, { type: ['string', 'number', 'boolean'] as const }]));
  const firstReport = new Set<string>();
  const watchers = [POLICY_REGISTRY_KEY, `${POLICY_REGISTRY_KEY}\\${RECOMMENDED}`].map((keyPath) =>
    watcher.createWatcher(
      POLICY_PRODUCT,
      declared,
      () => {
        // Each watcher reports once at start: that is the state already read, not a change.
        if (!firstReport.has(keyPath)) return void firstReport.add(keyPath);
        onChange();
      },
      { registryPath: keyPath },
    ),
  );
  return { dispose: () => watchers.forEach((w) => w.dispose()) };
}
