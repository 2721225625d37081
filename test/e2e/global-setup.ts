import { existsSync } from 'node:fs';
import { startPcscStack } from '../support/pcsc-stack';
import { startHostProcess } from '../support/host-process';

/**
 * One real PC/SC stack (pcscd + vpcd, inside the private network namespace) and one station host
 * process for the whole browser suite. Missing system parts fail the run loudly, by name.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  if (!existsSync('/usr/bin/chromium')) {
    throw new Error('Debian Chromium is missing at /usr/bin/chromium: apt-get install --no-install-recommends chromium');
  }
  if (!existsSync('out/renderer/index.html')) {
    throw new Error('The renderer is not built: run `npm run build` first (npm test does).');
  }
  const stack = await startPcscStack();
  const host = await startHostProcess();
  process.env.STATION_URL = host.url;
  process.env.STATION_ORIGIN = host.origin;
  return async () => {
    await host.stop();
    await stack.dispose();
  };
}
