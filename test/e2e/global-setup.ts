import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCmSimulator } from '../../src/main/training/cm-sim';
import { startHostWithDataDir } from '../support/host-process';
import { DIRECTORY_PEOPLE } from '../support/directory-people';
import { startPcscStack } from '../support/pcsc-stack';
import { directoryPolicy, startSlapd } from '../support/slapd';

/**
 * One real PC/SC stack (pcscd + vpcd, inside the private namespace), one CM simulator (real HTTP)
 * and one station host process in real mode for the whole browser suite. Missing system parts
 * fail the run loudly, by name.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  if (!existsSync('/usr/bin/chromium')) {
    throw new Error('Debian Chromium is missing at /usr/bin/chromium: apt-get install --no-install-recommends chromium');
  }
  if (!existsSync('out/renderer/index.html')) {
    throw new Error('The renderer is not built: run `npm run build` first (npm test does).');
  }
  const stack = await startPcscStack();
  const cm = await startCmSimulator({ host: '127.0.0.1', port: 0 });
  // Machine policy as IT deploys it (a dev --policy file, read like the OS channel's document): a real
  // OpenLDAP holding the simulator's people under their CM GUIDs (entryUUID), so in real mode the
  // station names people from it; and, after cm-check, the simulator's Recover (2) and Renew (3)
  // numbers confirmed (retireReplacedCard stays at its default, when-new-card-active).
  const slapd = await startSlapd(DIRECTORY_PEOPLE);
  const host = await startHostWithDataDir('e2e-station-', (dataDir) => {
    const policyFile = join(dataDir, 'policy.json');
    writeFileSync(policyFile, JSON.stringify({ ...directoryPolicy(slapd), requestTypeNumbers: { '2': 'Recover', '3': 'Renew' } }, null, 2));
    return [
      '--real',
      '--cm-url',
      cm.baseUrl,
      '--policy',
      policyFile,
      // A short CM probe and back-off, so "CM back -> replayed" happens within a test's patience.
      '--cm-retry-ms',
      '300',
    ];
  });
  process.env.STATION_URL = host.url;
  // The host's data folder: a spec may read the station's diagnostic log there.
  process.env.STATION_DATA_DIR = host.dataDir;
  process.env.CM_ADMIN_URL = cm.adminUrl;
  process.env.CM_ADMIN_TOKEN = cm.adminToken;
  process.env.CM_URL = cm.baseUrl;
  // Each step runs even if one before it throws. The host exits first, then its data folder goes
  // (only the host uses it; specs read it while it ran).
  return async () => {
    const failures: unknown[] = [];
    for (const step of [() => host.stop(), () => slapd.stop(), () => cm.close(), () => stack.dispose()]) {
      await step().catch((err: unknown) => failures.push(err));
    }
    if (failures.length > 0) throw new AggregateError(failures, 'the e2e teardown failed');
  };
}
