import { mkdirSync, readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { defaultDataDir } from '../app-paths';
import { createNegotiateTransport, type CmTransport } from '../cm';
import { createConfSettingsStore, readMachinePolicy } from '../config';
import { createDiagnosticLog } from '../log';
import { createServiceProbe, createPcscliteBinding } from '../pcsc';
import { holdDataFolder, startStationRuntime, type StationRuntime } from '../runtime';
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
}

/** How an entry point starts the station: plain Node here; the Electron shell's `--cli` passes its own. */
export type StartRuntime = (flags: NodeRuntimeFlags) => Promise<StationRuntime>;

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/**
 * The station under plain Node (host and CLI): HTTP with Negotiate sign-in (the current user's
 * Kerberos ticket or Windows session), the pcsclite binding, JSON settings.
 */
export async function startNodeRuntime(flags: NodeRuntimeFlags, cmTransport: CmTransport = createNegotiateTransport()): Promise<StationRuntime> {
  const dataDir = flags.dataDir ?? defaultDataDir(process.platform, process.env, homedir());
  // Owner-only: the outbox, audit trail and request copy name people and cards.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // One writer per data folder, taken before anything in it is opened (the log included).
  const folderLock = await holdDataFolder(dataDir, flags.program);
  const logDir = join(dataDir, 'logs');
  const log = await createDiagnosticLog({ dir: logDir }).catch(async (err: unknown) => {
    await folderLock.release();
    throw err;
  });
  let started: StationRuntime | null = null;
  const machine = await readMachinePolicy({
    platform: process.platform,
    developmentFile: flags.policy,
    onChange: () => {
      console.error('station: the machine policy changed; restart the station to apply it.');
      log.info('settings.policy-changed');
      started?.policyChanged();
    },
  });
  if (machine.policy.channel === 'development') console.error(`station: development policy: ${machine.policy.source}`);
  if (flags.cmUrl) console.error(`station: development: CM address from --cm-url (${flags.cmUrl}), not from machine policy`);
  const runtime = await startStationRuntime({
    folderLock,
    log,
    logDir,
    version: packageVersion(),
    actor: userInfo().username,
    dataDir,
    ...(flags.program ? { program: flags.program } : {}),
    defaultExportDir: join(dataDir, 'exports'),
    policy: machine.policy,
    settingsStore: createConfSettingsStore({ dataDir }),
    cmTransport,
    realPcsc: () => ({ binding: createPcscliteBinding(), probe: createServiceProbe() }),
    ...(flags.mode ? { mode: flags.mode } : {}),
    ...(flags.cmUrl ? { cmUrlOverride: flags.cmUrl } : {}),
    ...(flags.tuning ? { tuning: flags.tuning } : {}),
  }).catch(async (err: unknown) => {
    log.error('station.start-failed', err);
    machine.dispose();
    await log.close();
    throw err;
  });
  started = runtime;
  return {
    ...runtime,
    close: async () => {
      machine.dispose();
      await runtime.close();
      await log.close();
    },
  };
}
