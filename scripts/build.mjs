#!/usr/bin/env node
// Builds the desktop app into out/: Electron main and the sandboxed preload with esbuild (each one
// CommonJS file, which is what Electron's sandboxed preload requires), the renderer with Vite.
// Why not electron-vite: its dev and preview commands start the Electron binary, which cannot exist
// on this machine, and we need nothing from it beyond what these two direct calls do.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'cjs',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
};

await build({
  ...common,
  entryPoints: ['src/main/electron/main.ts'],
  outfile: 'out/main/main.cjs',
  // The native addon is loaded from node_modules (rebuilt for Electron's ABI at packaging).
  external: ['electron', '@pokusew/pcsclite'],
});
await build({
  ...common,
  entryPoints: ['src/preload/preload.ts'],
  outfile: 'out/preload/preload.cjs',
  external: ['electron'],
});

const vite = spawnSync('vite', ['build', '--config', 'vite.renderer.config.ts', '--logLevel', 'warn'], {
  stdio: 'inherit',
  shell: process.platform === 'win32',
});
process.exit(vite.status ?? 1);
