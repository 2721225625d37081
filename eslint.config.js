import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

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
  // The station's AST guardrails (lint/) are switched on, with the tree fixed, in the next commits.
);
