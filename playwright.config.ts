import { defineConfig } from '@playwright/test';

// The renderer is tested in Debian's Chromium (Playwright cannot download its own browser here),
// against the station host, real pcscd + vpcd and virtual cards. One worker: there is one pcscd.
export default defineConfig({
  testDir: 'test/e2e',
  timeout: 60_000,
  expect: { timeout: 5_000 },
  workers: 1,
  fullyParallel: false,
  forbidOnly: true,
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'artifacts/playwright-report' }], ['json', { outputFile: 'artifacts/results/e2e.json' }]],
  outputDir: 'artifacts/test-results',
  globalSetup: './test/e2e/global-setup.ts',
  use: {
    browserName: 'chromium',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
    screenshot: 'on',
    trace: 'retain-on-failure',
  },
});
