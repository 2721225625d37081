#!/usr/bin/env node
// `npm start`: the desktop app. Electron 45 fetches its binary on first use (there is no
// postinstall); where it cannot (an offline machine like the CI box), say so and open the same
// station in the browser instead, in training mode, so the command still does something useful.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const run = (cmd, args, opts = {}) => spawnSync(cmd, args, { stdio: 'inherit', ...opts }).status ?? 1;

if (run('node', ['scripts/build.mjs']) !== 0) process.exit(1);

function electronBinary() {
  try {
    const installer = require.resolve('electron/install.js');
    // Its stack trace on an offline machine says less than the message below; keep it quiet.
    if (run(process.execPath, [installer], { stdio: 'ignore' }) !== 0) return null;
    return require('electron'); // the path of the binary
  } catch {
    return null;
  }
}

const binary = electronBinary();
if (binary) {
  const child = spawn(binary, ['.'], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.error(
    '\nThe Electron binary is not available on this machine (it could not be downloaded).\n' +
      'Starting the same station in your browser instead (npm run start:host, training mode).\n',
  );
  const child = spawn('tsx', ['src/main/cli/host.ts', '--training'], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
}
