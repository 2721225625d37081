import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// Three projects: pure-Node unit tests, React components in jsdom, and the integration suite that
// drives the real pcscd + vpcd stack (one pcscd per machine, so it runs serially).
export default defineConfig({
  plugins: [react()],
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          environment: 'node',
          include: ['test/unit/**/*.test.ts'],
          exclude: ['test/unit/renderer/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'renderer',
          environment: 'jsdom',
          include: ['test/unit/renderer/**/*.test.{ts,tsx}'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          environment: 'node',
          include: ['test/integration/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 30_000,
          hookTimeout: 30_000,
          globalSetup: ['test/integration/global-setup.ts'],
        },
      },
    ],
  },
});
