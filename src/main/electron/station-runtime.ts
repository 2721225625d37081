import { mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { app } from 'electron';
import { StationError } from '../../shared/errors';
import type { NodeRuntimeFlags } from '../cli/node-runtime';
import { readMachinePolicy } from '../config';
import { createDiagnosticLog } from '../log';
import { createServiceProbe, createPcscliteBinding } from '../pcsc';
import { holdDataFolder, startStationRuntime, type StationRuntime } from '../runtime';
import { createScopedCmTransport } from './cm-transport';
import { createElectronSettingsStore } from './settings-store';

/**
 * The station as the Electron main process runs it, for the window and for `--cli` alike: the
 * user's profile folder and settings, machine policy from the OS's own channel only (registry,
 * managed preferences, root-owned /etc: never a file or variable a user controls), Chromium's
 * network stack with integrated sign-in scoped before any CM call can start (cm-transport.ts).
 */
export async function startElectronRuntime(flags: NodeRuntimeFlags = {}): Promise<StationRuntime> {
  if (flags.policy !== undefined) {
    // A development policy file would let whoever runs the installed app lift every lock IT set.
    throw new StationError('BAD_REQUEST', '--policy is for development (npm run station); the installed app reads machine policy from the operating system only.');
  }
  if (flags.cmUrl !== undefined && app.isPackaged) {
    // Where the operator's Windows credentials and card data go is machine policy's (cmBaseUrl),
    // in the installed app's scripted commands as on its screens.
    throw new StationError('BAD_REQUEST', '--cm-url is for development (npm run station); the installed app takes the CM address from machine policy (cmBaseUrl).');
  }
  const cm = createScopedCmTransport();
  const dataDir = flags.dataDir ?? app.getPath('userData');
  // Owner-only: the outbox, audit trail and request copy name people and cards.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // The packaged app has no console: this file is what support reads (docs/deploying.md).
  // One writer per data folder, taken before anything in it is opened (the log included).
  const folderLock = await holdDataFolder(dataDir, flags.program ?? 'Enrollment Station (desktop app)');
  const logDir = join(dataDir, 'logs');
  const log = await createDiagnosticLog({ dir: logDir }).catch(async (err: unknown) => {
    await folderLock.release();
    throw err;
  });
  let runtime: StationRuntime | null = null;
  const { policy } = await readMachinePolicy({
    platform: process.platform,
    // A change is logged; it applies when the station restarts.
    onChange: () => {
      console.error('station: the machine policy changed; restart the station to apply it.');
      log.info('settings.policy-changed');
      runtime?.policyChanged();
    },
  });
  const started = await startStationRuntime({
    folderLock,
    log,
    logDir,
    version: app.getVersion(),
    actor: userInfo().username,
    dataDir,
    program: flags.program ?? 'Enrollment Station (desktop app)',
    defaultExportDir: app.getPath('documents'),
    policy,
    settingsStore: createElectronSettingsStore(),
    cmTransport: cm.transport,
    beforeCm: (settings) => cm.scopeTo(settings),
    realPcsc: () => ({ binding: createPcscliteBinding(), probe: createServiceProbe() }),
    ...(flags.mode ? { mode: flags.mode } : {}),
    ...(flags.cmUrl ? { cmUrlOverride: flags.cmUrl } : {}),
    ...(flags.tuning ? { tuning: flags.tuning } : {}),
  }).catch(async (err: unknown) => {
    log.error('station.start-failed', err);
    await log.close();
    throw err;
  });
  runtime = {
    ...started,
    close: async () => {
      await started.close();
      await log.close();
    },
  };
  return runtime;
}
