import { readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { defaultDataDir } from '../runtime';
import type { CmTransport } from '../cm';
// Not in cm's barrel on purpose: it loads the kerberos addon, which the installed app does not ship;
// only the Node entry points may reach it (test/unit/packaging/main-bundle.test.ts).
// eslint-disable-next-line station/folder-boundaries
import { createNegotiateTransport } from '../cm/negotiate-transport';
import { createConfSettingsStore } from '../config';
import { createServiceProbe, createPcscliteBinding } from '../pcsc';
import type { StartStationOptions } from '../runtime';
import type { CliEnvironment, StationFlags } from './cli-environment';
import { readStationSettings } from './read-settings';

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/**
 * Plain Node's adapters for startStation (host and CLI): HTTP with Negotiate sign-in (the current
 * user's Kerberos ticket or Windows session), the pcsclite binding, conf settings (the desktop app's
 * format), machine policy from the OS channel or, in development, `--policy FILE`.
 */
export function nodeStation(flags: StationFlags, cmTransport: CmTransport = createNegotiateTransport()): StartStationOptions {
  const dataDir = flags.dataDir ?? defaultDataDir(process.platform, process.env, homedir());
  return {
    program: flags.program ?? `station (${process.title})`,
    version: packageVersion(),
    actor: userInfo().username,
    dataDir,
    defaultExportDir: join(dataDir, 'exports'),
    policy: flags.policy === undefined ? { from: 'os' } : { from: 'file', path: flags.policy },
    settingsStore: createConfSettingsStore({ dataDir }),
    cmTransport,
    realPcsc: () => ({ binding: createPcscliteBinding(), probe: createServiceProbe() }),
    mode: flags.mode,
    cmUrlOverride: flags.cmUrl,
    tuning: flags.tuning,
    trainingAdminToken: flags.trainingAdminToken,
  };
}

/**
 * The station CLI under plain Node (`npm run station`): Negotiate through the `kerberos` addon for
 * every CM call (cm-check and support-bundle included), and the development flags `--policy` and
 * `--cm-url`. The installed app never uses this (electron/cli-mode.ts has its own).
 */
export const nodeCliEnvironment: CliEnvironment = {
  station: (flags) => nodeStation(flags),
  async readOnlyCm(flags) {
    const settings = await readStationSettings(flags);
    return { settings, cmBaseUrl: flags.cmUrl ?? settings.effective().cmBaseUrl, transport: createNegotiateTransport() };
  },
  defaultDataDir: () => defaultDataDir(process.platform, process.env, homedir()),
  version: () => {
    try {
      return packageVersion();
    } catch {
      // No package.json where it is expected (a copied-out script): versions.json still names Node.
      return 'unknown';
    }
  },
  checkFlags: () => undefined,
};
