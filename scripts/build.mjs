#!/usr/bin/env node
// Builds the desktop app into out/: Electron main and the sandboxed preload with esbuild (options in
// build-config.mjs, shared with the security tests), the renderer with Vite.
// Why not electron-vite: its dev and preview commands start the Electron binary, which cannot exist
// on this machine, and we need nothing from it beyond what these two direct calls do.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot, shellBuildOptions } from './build-config.mjs';

for (const options of shellBuildOptions(join(projectRoot, 'out'))) await build(options);

const vite = spawnSync('vite', ['build', '--config', 'vite.renderer.config.ts', '--logLevel', 'warn'], {
  stdio: 'inherit',
  shell: process.platform === 'win32',
});
process.exit(vite.status ?? 1);
