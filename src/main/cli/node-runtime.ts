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
import type { StationRuntime } from '../runtime';
import { startStationProcess } from '../runtime';
import type { StationTuning } from '../station';
import type { CliEnvironment } from './cli-environment';
import { readStationSettings } from './read-settings';

export interface NodeRuntimeFlags {
  /** Who this process is, for a process refused the data folder meanwhile (see runtime.ts). */
  program?: string | undefined;
  dataDir?: string | undefined;
  /** `--policy FILE`: a development policy in place of the OS channel (labelled so everywhere). */
  policy?: string | undefined;
  cmUrl?: string | undefined;
  mode?: 'real' | 'training' | undefined;
  tuning?: Partial<StationTuning> | undefined;
  /** The host's token, which in training also opens the simulator's admin routes. */
  trainingAdminToken?: string | undefined;
}

/** How an entry point starts the station: plain Node here; the Electron shell's `--cli` passes its own. */
export type StartRuntime = (flags: NodeRuntimeFlags) => Promise<StationRuntime>;

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/**
 * The station under plain Node (host and CLI): HTTP with Negotiate sign-in (the current user's
 * Kerberos ticket or Windows session), the pcsclite binding, conf settings (the desktop app's format).
 */
export function startNodeRuntime(flags: NodeRuntimeFlags, cmTransport: CmTransport = createNegotiateTransport()): Promise<StationRuntime> {
  const dataDir = flags.dataDir ?? defaultDataDir(process.platform, process.env, homedir());
  return startStationProcess({
    program: flags.program ?? `station (${process.title})`,
    developmentPolicy: flags.policy,
    version: packageVersion(),
    actor: userInfo().username,
    dataDir,
    defaultExportDir: join(dataDir, 'exports'),
    settingsStore: createConfSettingsStore({ dataDir }),
    cmTransport,
    realPcsc: () => ({ binding: createPcscliteBinding(), probe: createServiceProbe() }),
    ...(flags.mode ? { mode: flags.mode } : {}),
    ...(flags.cmUrl ? { cmUrlOverride: flags.cmUrl } : {}),
    ...(flags.tuning ? { tuning: flags.tuning } : {}),
    ...(flags.trainingAdminToken ? { trainingAdminToken: flags.trainingAdminToken } : {}),
  });
}

/**
 * The station CLI under plain Node (`npm run station`): Negotiate through the `kerberos` addon for
 * every CM call (cm-check and support-bundle included), and the development flags `--policy` and
 * `--cm-url`. The installed app never uses this (electron/cli-mode.ts has its own).
 */
export const nodeCliEnvironment: CliEnvironment = {
  start: (flags) => startNodeRuntime(flags),
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
