import { readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
// The .mjs extension is required: this is the plain-Node build script's own module (see its .d.mts).
import { projectRoot, shellBuildOptions } from '../../../scripts/build-config.mjs';

/**
 * Issue 18, item 3: nothing in the packaged app imports a module it does not ship. Node resolves a
 * bare name it cannot find beside the app up the folder tree (on Windows up to `C:\node_modules`,
 * which any local user can create), so the Electron main bundle, built here with the shipped esbuild
 * options, may reach outside itself only for `electron`, Node's built-ins and the modules the
 * installer ships in node_modules: the PC/SC addon and the Windows policy watcher.
 */
const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  optionalDependencies: Record<string, string>;
};
/** Packages installed in the app's node_modules by electron-builder (production and optional dependencies). */
const SHIPPED = new Set([...Object.keys(pkg.dependencies), ...Object.keys(pkg.optionalDependencies)]);

let code: string;
let metafile: Metafile;

beforeAll(async () => {
  const [mainOptions] = shellBuildOptions(join(tmpdir(), 'main-bundle-test'));
  const result = await build({ ...mainOptions!, metafile: true, write: false });
  code = result.outputFiles[0]!.text;
  metafile = result.metafile;
}, 60_000);

/** The package a module specifier names (`@scope/name/...` or `name/...`). */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

describe('the Electron main bundle (scripts/build-config.mjs)', () => {
  it('leaves unresolved only electron and Node built-ins', () => {
    const externals = new Set(Object.values(metafile.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path)));
    const foreign = [...externals].filter((path) => path !== 'electron' && !isBuiltin(path));
    expect(foreign).toEqual([]);
  });

  it('loads at run time only modules the installer ships (the PC/SC addon, the Windows policy watcher)', () => {
    // createRequire(...)('name') and require.resolve('name/...'): the loads esbuild cannot see.
    const loaded = [...code.matchAll(/createRequire\)\(importMetaUrl\)\("([^"]+)"\)|\.resolve\("([^"./][^"]*)"\)/g)].map((m) => m[1] ?? m[2]!);
    expect(new Set(loaded.map(packageOf))).toEqual(new Set(['@vscode/policy-watcher', '@pokusew/pcsclite']));
    for (const name of loaded.map(packageOf)) expect(SHIPPED.has(name), `${name} is not a dependency the installer ships`).toBe(true);
  });

  it('never reaches the kerberos addon nor a dynamic import of a package (the Node-only Negotiate transport stays out)', () => {
    expect(SHIPPED.has('kerberos')).toBe(false);
    expect(Object.keys(metafile.inputs).filter((input) => /node_modules\/kerberos\/|negotiate-transport/.test(input))).toEqual([]);
    expect(code).not.toMatch(/["']kerberos["']/);
    const dynamicImports = [...code.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]!);
    expect(dynamicImports.filter((s) => !isBuiltin(s))).toEqual([]);
    // The plain `require("name")` calls esbuild left are built-ins and electron only (ajv's code
    // generator keeps `require("ajv/...")` inside strings for standalone output, never run here).
    const requires = [...code.matchAll(/(?<![`'"])\brequire\("([^"]+)"\)/g)].map((m) => m[1]!);
    expect(requires.filter((s) => s !== 'electron' && !isBuiltin(s))).toEqual([]);
  });
});
