import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import station from './lint/index.js';
import { BRIDGE_PASS_THROUGH, BRIDGE_SCREENS } from './lint/bridge-screens.js';

// 'electron' (and electron-store, which needs it) may only be imported by the shell and the preload:
// everything else must run under plain Node so it can be tested for real here.
const electronImportBan = {
  'no-restricted-imports': [
    'error',
    {
      paths: [
        { name: 'electron', message: "Only src/main/electron/ and src/preload/ may import 'electron'." },
        { name: 'electron-store', message: "Only src/main/electron/ may import 'electron-store'." },
      ],
    },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', 'dist/', 'release/', 'test-results/', 'playwright-report/', 'artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      ...electronImportBan,
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // A promise nobody awaits and nobody handles turns a late CM answer or a failed write into an
    // unhandled rejection: the host exits, the desktop app shows the main-process error dialog.
    // `void promise` does not count as handling it: attach a .catch that reports (main:
    // report-failure.ts or the module's log; renderer: fire.ts, or useAction().run).
    // Type-aware, so only where the compiler knows the types: the product's own code.
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    languageOptions: {
      parserOptions: { project: ['./tsconfig.json', './tsconfig.renderer.json'], tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: false }],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
    },
  },
  {
    files: ['src/main/electron/**', 'src/preload/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The renderer reaches main only through window.station.' }],
          patterns: [{ group: ['**/main/**', 'node:*'], message: 'The renderer imports only src/shared.' }],
        },
      ],
    },
  },
  {
    // No error swallowed unseen (lint/rules/catch-must-report.js, tested in test/unit/lint).
    files: ['src/main/**/*.ts', 'src/preload/**/*.ts'],
    plugins: { station },
    rules: { 'station/catch-must-report': 'error' },
  },
  {
    // React's own rules: hooks called unconditionally, effects that name what they read (a run-once
    // effect reads the latest values through useEffectEvent).
    files: ['src/renderer/**/*.ts', 'src/renderer/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  {
    // The bridge carries only what a screen uses: each channel called from the screens the table
    // names, by its call sites (lint/rules/bridge-surface.js; the table: lint/bridge-screens.js).
    files: ['src/renderer/**/*.ts', 'src/renderer/**/*.tsx'],
    plugins: { station },
    rules: { 'station/bridge-surface': ['error', { screens: BRIDGE_SCREENS, passThrough: BRIDGE_PASS_THROUGH }] },
  },
  {
    // Which folder may import which (lint/rules/folder-boundaries.js): another capability folder only
    // through its barrel (index.ts); shared imports nothing of main, preload or renderer.
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    plugins: { station },
    rules: { 'station/folder-boundaries': 'error' },
  },
);
