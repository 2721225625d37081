import { readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { defaultDataDir } from '../app-paths';
import { createNegotiateTransport, type CmTransport } from '../cm';
import { createConfSettingsStore } from '../config';
import { createServiceProbe, createPcscliteBinding } from '../pcsc';
import type { StationRuntime } from '../runtime';
import { startStationProcess } from '../station-process';
import type { StationTuning } from '../station';

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
