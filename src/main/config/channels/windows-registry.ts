import { createRequire } from 'node:module';
import { type PolicyKeySpec, POLICY_PRODUCT, POLICY_REGISTRY_KEY, policyKeySpecs, RECOMMENDED } from '../policy-keys';
import { invalidPolicy, NO_POLICY, type Policy, policyFromDocument } from '../policy';

/**
 * Windows: HKLM\SOFTWARE\Policies\EnrollmentStation, where Group Policy and Intune (ADMX ingestion)
 * write and only administrators can (Chrome, Edge, Firefox and Mattermost read theirs the same
 * way). Values are typed per key: REG_SZ for text, REG_DWORD for numbers and 0/1 switches,
 * REG_MULTI_SZ for lists (and "number=Name" lines for maps). Recommended values live in the
 * Recommended subkey. REG_EXPAND_SZ is refused: it expands environment variables, which any user
 * sets for their own session.
 */
export const WINDOWS_POLICY_SOURCE = `HKLM\\${POLICY_REGISTRY_KEY}`;

export type RegistryValue =
  | { name: string; type: 'REG_SZ'; data: string }
  | { name: string; type: 'REG_DWORD'; data: number }
  | { name: string; type: 'REG_MULTI_SZ'; data: string[] }
  | { name: string; type: Exclude<string, 'REG_SZ' | 'REG_DWORD' | 'REG_MULTI_SZ'>; data: unknown };

/** The values of one key under HKLM; null when the key does not exist. */
export interface RegistryAccess {
  readValues(keyPath: string): readonly RegistryValue[] | null;
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
      return value.type === 'REG_DWORD' ? { value: value.data } : wrong;
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
  const doc = toDocument(mandatory ?? [], '', problems);
  if (recommended !== null) doc[RECOMMENDED] = toDocument(recommended, `${RECOMMENDED}\\`, problems);
  if (problems.length > 0) return invalidPolicy(WINDOWS_POLICY_SOURCE, 'windows-registry', problems);
  return policyFromDocument(doc, WINDOWS_POLICY_SOURCE, 'windows-registry');
}

/**
 * The production reader: @vscode/policy-watcher, the native module VS Code uses for exactly this
 * (HKLM policies read with RegQueryValueEx; it reports once at start, then whenever Group Policy
 * applies, via RegisterGPNotification). Chosen over
 * registry-js (reads REG_SZ and REG_DWORD only: no REG_MULTI_SZ for lists; its install step
 * downloads a prebuilt binary) and @vscode/windows-registry (single REG_SZ/REG_DWORD lookups, no
 * lists, no change notification). It is an optional dependency whose build is skipped on Linux
 * (package.json allowScripts), and loaded only on Windows; electron-builder rebuilds it for the
 * installer.
 *
 * It reads each value with the type the schema declares, so the adapter turns what it reports back
 * into typed registry values for readWindowsPolicy. Limits it imposes (docs/security.md): a value
 * of the wrong registry type reads as "not set" rather than as a problem, and a value missing under
 * HKLM is looked up under HKCU\SOFTWARE\Policies\EnrollmentStation, which standard users cannot
 * write either (only Group Policy and administrators can).
 */
export interface PolicyWatcherModule {
  createWatcher(
    productName: string,
    policies: Record<string, { type: 'string' | 'number' | 'boolean' }>,
    onDidChange: (update: Record<string, string | number | boolean | undefined>) => void,
    options?: { registryPath?: string },
  ): { dispose(): void };
}

export interface WindowsPolicyWatch {
  /** The registry as first read. */
  initial: RegistryAccess;
  dispose(): void;
}

function watcherType(spec: PolicyKeySpec): 'string' | 'number' | 'boolean' {
  return spec.kind === 'boolean' ? 'boolean' : spec.kind === 'number' ? 'number' : 'string';
}

function toRegistryValue(spec: PolicyKeySpec, data: string | number | boolean): RegistryValue {
  if (typeof data === 'boolean') return { name: spec.key, type: 'REG_DWORD', data: data ? 1 : 0 };
  if (typeof data === 'number') return { name: spec.key, type: 'REG_DWORD', data };
  if (spec.kind === 'list' || spec.kind === 'map') return { name: spec.key, type: 'REG_MULTI_SZ', data: data === '' ? [] : data.split('\n') };
  return { name: spec.key, type: 'REG_SZ', data };
}

/**
 * Watch both keys; `onChange` gets the re-read registry after the first report. Resolves once both
 * watchers reported (they always report once at start, with every value that is set), or after
 * `firstReportMs` with whatever was reported.
 */
export function watchWindowsRegistry(
  onChange: (registry: RegistryAccess) => void,
  firstReportMs = 3_000,
  // Loaded only here, on Windows: on Linux the optional native module is installed but not built.
  loadWatcher: () => PolicyWatcherModule = () => createRequire(import.meta.url)('@vscode/policy-watcher') as PolicyWatcherModule,
): Promise<WindowsPolicyWatch> {
  const watcher = loadWatcher();
  const specs = policyKeySpecs();
  const declared = Object.fromEntries(specs.map((spec) => [spec.key, { type: watcherType(spec) }]));
  const state = new Map<string, Map<string, RegistryValue>>([
    [POLICY_REGISTRY_KEY, new Map()],
    [`${POLICY_REGISTRY_KEY}\\${RECOMMENDED}`, new Map()],
  ]);
  const registry: RegistryAccess = {
    readValues: (keyPath) => {
      const values = state.get(keyPath);
      return values && values.size > 0 ? [...values.values()] : null;
    },
  };
  return new Promise((resolve) => {
    const reported = new Set<string>();
    let settled = false;
    const watchers: Array<{ dispose(): void }> = [];
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ initial: registry, dispose: () => watchers.forEach((w) => w.dispose()) });
    };
    const timer = setTimeout(finish, firstReportMs);
    for (const keyPath of state.keys()) {
      watchers.push(
        watcher.createWatcher(
          POLICY_PRODUCT,
          declared,
          (update) => {
            const values = state.get(keyPath)!;
            for (const spec of specs) {
              if (!(spec.key in update)) continue;
              const data = update[spec.key];
              if (data === undefined) values.delete(spec.key);
              else values.set(spec.key, toRegistryValue(spec, data));
            }
            if (settled) onChange(registry);
            reported.add(keyPath);
            if (reported.size === state.size) finish();
          },
          { registryPath: keyPath },
        ),
      );
    }
  });
}
