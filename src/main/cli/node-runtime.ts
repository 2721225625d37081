import { mkdirSync, readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { defaultDataDir } from '../app-paths';
import { createNegotiateTransport, type CmTransport } from '../cm';
import { createJsonFileSettingsStore, policyFilePath, readPolicy } from '../config';
import { createServiceProbe, createPcscliteBinding } from '../pcsc';
import { startStationRuntime, type StationRuntime } from '../runtime';
import type { StationTuning } from '../station';

export interface NodeRuntimeFlags {
  dataDir?: string | undefined;
  policy?: string | undefined;
  cmUrl?: string | undefined;
  mode?: 'real' | 'training' | undefined;
  tuning?: Partial<StationTuning> | undefined;
}

/** How an entry point starts the station: plain Node here; the Electron shell's `--cli` passes its own. */
export type StartRuntime = (flags: NodeRuntimeFlags) => Promise<StationRuntime>;

function stationVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/**
 * The station under plain Node (host and CLI): HTTP with Negotiate sign-in (the current user's
 * Kerberos ticket or Windows session), the pcsclite binding, JSON settings.
 */
export async function startNodeRuntime(flags: NodeRuntimeFlags, cmTransport: CmTransport = createNegotiateTransport()): Promise<StationRuntime> {
  const dataDir = flags.dataDir ?? defaultDataDir(process.platform, process.env, homedir());
  mkdirSync(dataDir, { recursive: true });
  return startStationRuntime({
    version: stationVersion(),
    actor: userInfo().username,
    dataDir,
    defaultExportDir: join(dataDir, 'exports'),
    policy: readPolicy(flags.policy ?? policyFilePath({ platform: process.platform, env: process.env })),
    settingsStore: createJsonFileSettingsStore({ file: join(dataDir, 'settings.json') }),
    cmTransport,
    realPcsc: () => ({ binding: createPcscliteBinding(), probe: createServiceProbe() }),
    ...(flags.mode ? { mode: flags.mode } : {}),
    ...(flags.cmUrl ? { cmUrlOverride: flags.cmUrl } : {}),
    ...(flags.tuning ? { tuning: flags.tuning } : {}),
  });
}
