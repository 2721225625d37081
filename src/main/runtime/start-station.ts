import { join } from 'node:path';
import { StationError } from '../../shared/errors';
import type { CmTransport } from '../cm';
import { createSettingsService, type MachinePolicy, type Policy, readMachinePolicy, type SettingsService, type SettingsStore } from '../config';
import { createDiagnosticLog, listenerErrorsTo, logStart, logStop } from '../log';
import { createOsLog, type OsLogSink, withOsLog } from '../os-log';
import type { PcscBinding, ServiceProbe } from '../pcsc';
import { createStation, type Station, type StationTuning } from '../station';
import type { TrainingSession } from '../training';
import { acquireDataFolderLock, describeHolder } from './data-folder-lock';
import { withCmUrl } from './settings-overrides';
import { chooseMode, openTrainingMode } from './training-mode';

/**
 * Where machine policy comes from: the OS's own channel (registry, managed preferences, root-owned
 * /etc), watched for changes; or `--policy FILE` of the Node host and CLI, a development policy
 * labelled so on every screen; or a policy the caller has read already (tests hand over a policy
 * document as the OS channel would deliver it).
 */
export type PolicySource = { from: 'os' } | { from: 'file'; path: string } | { from: 'given'; policy: Policy };

/**
 * What an entry point hands over: its platform's adapters (Electron's network stack, settings store
 * and folders, or Node's) and what its own arguments decided.
 */
export interface StartStationOptions {
  /**
   * Who this process is, for whoever is refused the data folder while it runs (e.g. "desktop app",
   * "station host", "station CLI (bind)").
   */
  program: string;
  version: string;
  /** The OS user, for the audit log. */
  actor: string;
  /** The station's own folder (user data); training keeps its records in a subfolder. */
  dataDir: string;
  defaultExportDir: string;
  policy: PolicySource;
  settingsStore: SettingsStore;
  /**
   * Where changes made in training are kept (default: training/settings.json in the data folder):
   * training starts from the real settings but never writes into them (trainingSettingsStore).
   */
  trainingSettingsStore?: SettingsStore | undefined;
  /** The real CM transport (Electron net in the app, Node fetch with Negotiate in the host and CLI). */
  cmTransport: CmTransport;
  /**
   * Called with the settings in effect before anything can call CM (before the station, its outbox
   * and its connectivity probe exist): the Electron shell scopes integrated sign-in here.
   */
  beforeCm?: ((settings: SettingsService) => void) | undefined;
  /** The real PC/SC binding, created only when the station runs for real. */
  realPcsc: () => { binding: PcscBinding; probe: ServiceProbe };
  /** Force a mode (CLI flags); otherwise settings decide. */
  mode?: 'real' | 'training' | undefined;
  /** A CM URL given on the command line wins over settings (`--cm-url`, development only). */
  cmUrlOverride?: string | undefined;
  tuning?: Partial<StationTuning> | undefined;
  /**
   * The OS log (syslog, the unified log, the Event Log) that gets a copy of the audit records and
   * the health events in real mode (src/main/os-log); this machine's by default.
   */
  osLog?: OsLogSink | undefined;
  /** The station host's token: in training it also opens the simulator's `/__sim/` admin routes. */
  trainingAdminToken?: string | undefined;
}

export interface StationRuntime {
  station: Station;
  mode: 'real' | 'training';
  training: TrainingSession | null;
  /** The OS reported a machine policy change: the settings screen says to restart. */
  policyChanged(): void;
  /** Closes the station and everything started for it, in the reverse order. */
  close(): Promise<void>;
}

/**
 * The station's start, the same for the desktop app, the host and the CLI, in this order: the data
 * folder (owner-only), its writer lock, the diagnostic log in it, machine policy, the settings (and
 * integrated sign-in scoped to them before anything can call CM), the mode, training's simulator
 * in training, then the station (createStation composes its services). On close the reverse.
 *
 * The lock comes first: a second process (the CLI beside the desktop app, two hosts) is refused
 * with DATA_FOLDER_IN_USE naming the holder before it has opened, read or written anything there,
 * the log included.
 */
export async function startStation(options: StartStationOptions): Promise<StationRuntime> {
  const { dataDir } = options;
  // The lock creates the folder owner-only (or tightens it): the outbox, audit trail and request copy name people and cards.
  const lock = await acquireDataFolderLock(dataDir, options.program);
  if (!lock.ok) {
    throw new StationError('DATA_FOLDER_IN_USE', describeHolder(dataDir, lock.holder), {
      dataDir,
      holderProgram: lock.holder?.program ?? null,
      holderPid: lock.holder?.pid ?? null,
    });
  }
  // The packaged app has no console: this file is what support reads (docs/deploying.md).
  const logDir = join(dataDir, 'logs');
  const log = await createDiagnosticLog({ dir: logDir }).catch(async (err: unknown) => {
    await lock.release();
    throw err;
  });

  let machine: MachinePolicy | null = null;
  let training: TrainingSession | null = null;
  // The settings service the station runs on, told when the OS reports a policy change.
  let policyListener: SettingsService | null = null;
  try {
    machine = await readPolicy(options.policy, () => {
      // Logged, and applied when the station restarts.
      console.error('station: the machine policy changed; restart the station to apply it.');
      log.info('settings.policy-changed');
      policyListener?.policyChanged();
    });
    if (machine.policy.channel === 'development') console.error(`station: development policy: ${machine.policy.source}`);
    if (options.cmUrlOverride) console.error(`station: development: CM address from --cm-url (${options.cmUrlOverride}), not from machine policy`);

    // Settings listeners report to the diagnostic log opened above (issue 19: no listener failure goes to stderr only).
    const onListenerError = listenerErrorsTo(log);
    const saved = createSettingsService({ policy: machine.policy, store: options.settingsStore, onListenerError });
    const settings = options.cmUrlOverride ? withCmUrl(saved, options.cmUrlOverride) : saved;
    options.beforeCm?.(settings);
    const mode = options.mode ?? chooseMode(saved.effective());
    // The fleet view carries the real station only: training's records and health are not IT's.
    const osLog = mode === 'real' ? (options.osLog ?? createOsLog()) : undefined;
    const stationLog = osLog ? withOsLog(log, osLog) : log;
    logStart(stationLog, { version: options.version, mode, settings: saved.view() });

    const common = {
      version: options.version,
      now: () => new Date(),
      random: Math.random,
      actor: options.actor,
      defaultExportDir: options.defaultExportDir,
      log: stationLog,
      logDir,
      ...(osLog ? { osLog } : {}),
      ...(options.tuning ? { tuning: options.tuning } : {}),
    };
    let station: Station;
    if (mode === 'training') {
      const practice = await openTrainingMode({
        dataDir,
        policy: machine.policy,
        settingsStore: options.settingsStore,
        trainingSettingsStore: options.trainingSettingsStore,
        adminToken: options.trainingAdminToken,
        onListenerError,
      });
      training = practice.session;
      policyListener = practice.settings;
      station = await createStation({ ...common, ...practice.parts });
    } else {
      policyListener = saved;
      station = await createStation({ ...common, training: false, dataDir, pcsc: options.realPcsc(), cmTransport: options.cmTransport, settings });
    }

    const started = { machine, training, settings: policyListener };
    return {
      station,
      mode,
      training,
      policyChanged: () => started.settings.policyChanged(),
      close: async () => {
        try {
          started.machine.dispose();
          await station.close();
          await started.training?.close();
          logStop(stationLog, mode);
        } finally {
          // With the OS log, this first lets the queued station.stop reach it (withOsLog), then closes the file.
          await stationLog.close();
          await lock.release();
        }
      },
    };
  } catch (err) {
    machine?.dispose();
    // Training's simulator listens on loopback: a start that failed after it must not leave it open.
    await training?.close().catch((closeErr: unknown) => log.error('training.close-failed', closeErr));
    log.error('station.start-failed', err);
    await log.close();
    await lock.release();
    throw err;
  }
}

function readPolicy(source: PolicySource, onChange: () => void): Promise<MachinePolicy> {
  switch (source.from) {
    case 'os':
      return readMachinePolicy({ platform: process.platform, onChange });
    case 'file':
      return readMachinePolicy({ platform: process.platform, developmentFile: source.path, onChange });
    case 'given':
      return Promise.resolve({ policy: source.policy, dispose: () => undefined });
  }
}
