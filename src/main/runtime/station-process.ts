import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { StationError } from '../../shared/errors';
import { readMachinePolicy } from '../config';
import { acquireDataFolderLock, describeHolder } from './data-folder-lock';
import { createDiagnosticLog } from '../log';
import { createOsLog } from '../os-log';
import { type RuntimeOptions, startStationRuntime, type StationRuntime } from './runtime';

export interface StationProcessOptions extends Omit<RuntimeOptions, 'policy' | 'log' | 'logDir'> {
  /**
   * Who this process is, for whoever is refused the data folder while it runs (e.g. "desktop app",
   * "station host", "station CLI (bind)").
   */
  program: string;
  /** `--policy FILE` of the Node host and CLI: replaces the OS channel, labelled as development. */
  developmentPolicy?: string | undefined;
}

/**
 * What every station process does around its runtime, in this order: the data folder (owner-only),
 * its writer lock, the diagnostic log in it, machine policy from the OS channel (watched), then the
 * runtime; on close the reverse. The lock comes first: a second process (the CLI beside the desktop
 * app, two hosts) is refused with DATA_FOLDER_IN_USE naming the holder before it has opened, read or
 * written anything there, the log included.
 */
export async function startStationProcess(options: StationProcessOptions): Promise<StationRuntime> {
  // Owner-only: the outbox, audit trail and request copy name people and cards.
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const lock = await acquireDataFolderLock(options.dataDir, options.program);
  if (!lock.ok) {
    throw new StationError('DATA_FOLDER_IN_USE', describeHolder(options.dataDir, lock.holder), {
      dataDir: options.dataDir,
      holderProgram: lock.holder?.program ?? null,
      holderPid: lock.holder?.pid ?? null,
    });
  }
  const releaseLock = lock.release;
  // The packaged app has no console: this file is what support reads (docs/deploying.md).
  const logDir = join(options.dataDir, 'logs');
  const log = await createDiagnosticLog({ dir: logDir }).catch(async (err: unknown) => {
    await releaseLock();
    throw err;
  });
  let runtime: StationRuntime | null = null;
  try {
    const machine = await readMachinePolicy({
      platform: process.platform,
      developmentFile: options.developmentPolicy,
      // The OS reported a change: logged, and applied when the station restarts.
      onChange: () => {
        console.error('station: the machine policy changed; restart the station to apply it.');
        log.info('settings.policy-changed');
        runtime?.policyChanged();
      },
    });
    if (machine.policy.channel === 'development') console.error(`station: development policy: ${machine.policy.source}`);
    if (options.cmUrlOverride) console.error(`station: development: CM address from --cm-url (${options.cmUrlOverride}), not from machine policy`);
    const started = await startStationRuntime({ ...options, osLog: options.osLog ?? createOsLog(), policy: machine.policy, log, logDir }).catch((err: unknown) => {
      machine.dispose();
      throw err;
    });
    runtime = {
      ...started,
      close: async () => {
        try {
          machine.dispose();
          await started.close();
        } finally {
          await log.close();
          await releaseLock();
        }
      },
    };
    return runtime;
  } catch (err) {
    log.error('station.start-failed', err);
    await log.close();
    await releaseLock();
    throw err;
  }
}
