// The esbuild options of what ships: the Electron main process and the sandboxed preload, each one
// CommonJS file (which is what Electron's sandboxed preload requires). scripts/build.mjs builds with
// them, and so do the security tests and scripts/electronegativity.mjs, so those check the code that
// ships rather than a look-alike build.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = fileURLToPath(new URL('..', import.meta.url));

const common = {
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'cjs',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
};

/** Both builds, writing `<outDir>/main/main.cjs` and `<outDir>/preload/preload.cjs`. */
export function shellBuildOptions(outDir) {
  return [
    {
      ...common,
      entryPoints: [join(projectRoot, 'src/main/electron/main.ts')],
      outfile: join(outDir, 'main', 'main.cjs'),
      // The native addons are loaded from node_modules (rebuilt for Electron's ABI at packaging).
      // Nothing else is external: kerberos (the plain-Node Negotiate transport's addon) is not
      // shipped, so it must not be reachable from the shell at all; if it were, this build would
      // fail on its .node file (test/unit/packaging/main-bundle.test.ts checks the bundle).
      external: ['electron', '@pokusew/pcsclite'],
      // src/main is ESM (tsx runs it for the CLI and host). In a CommonJS bundle `import.meta` is
      // empty, and the PC/SC addon loader's `createRequire(import.meta.url)` would throw: give it
      // the bundle's own URL.
      inject: [join(projectRoot, 'scripts/import-meta-url.mjs')],
      define: { 'import.meta.url': 'importMetaUrl' },
    },
    {
      ...common,
      entryPoints: [join(projectRoot, 'src/preload/preload.ts')],
      outfile: join(outDir, 'preload', 'preload.cjs'),
      external: ['electron'],
    },
  ];
}
