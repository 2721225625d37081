import { trainingDirectory } from '../training';
import type { DiagnosticLog } from '../log';
import { type OsLogSink, withOsLog } from '../os-log';
import { listenerErrorsTo, logStart, logStop } from '../log';
import { reportListenerErrorToStderr } from '../common';
import { join } from 'node:path';
import type { Settings, SettingsView } from '../../shared/settings';
import type { CmTransport } from '../cm';
import {
  createConfSettingsStore,
  createSettingsService,
  type Policy,
  type SettingsService,
  type SettingsStore,
  trainingSettingsStore,
} from '../config';
import type { PcscBinding, ServiceProbe } from '../pcsc';
import { createStation, type Station, type StationTuning } from '../station';
import { requestTypeNumbersSchema } from '../../shared/request-types';
import { SAMPLE_CARDS, startTraining, TRAINING_READERS, trainingRequestTypeNumbers, type TrainingSession } from '../training';

export interface RuntimeOptions {
  version: string;
  /** The OS user, for the audit log. */
  actor: string;
  /** The station's own folder (user data); training keeps its records in a subfolder. */
  dataDir: string;
  defaultExportDir: string;
  policy: Policy;
  settingsStore: SettingsStore;
  /**
   * Where changes made in training are kept (default: training/settings.json in the data folder):
   * training starts from the real settings but never writes into them (trainingSettingsStore).
   */
  trainingSettingsStore?: SettingsStore;
  /** The real CM transport (Electron net in the app, Node fetch in the host and CLI). */
  cmTransport: CmTransport;
  /** The real PC/SC binding, created only when the station runs for real. */
  realPcsc: () => { binding: PcscBinding; probe: ServiceProbe };
  /** Force a mode (CLI flags); otherwise settings decide. */
  mode?: 'real' | 'training';
  /** A CM URL given on the command line wins over settings (CLI `--cm-url`). */
  cmUrlOverride?: string;
  tuning?: Partial<StationTuning>;
  /**
   * Called with the settings in effect before anything can call CM (before the station, its outbox
   * and its connectivity probe exist): the Electron shell scopes integrated sign-in here.
   */
  beforeCm?: (settings: SettingsService) => void;
  /**
   * The OS log (syslog, the unified log, the Event Log) that gets a copy of the audit records and
   * the health events, in real mode (src/main/os-log).
   */
  osLog?: OsLogSink;
  /** The station host's token: in training it also opens the simulator's `/__sim/` admin routes. */
  trainingAdminToken?: string;
  /**
   * The diagnostic log the entry point opened in the data folder (`logs/`), and that folder (for
   * support bundles). The runtime writes start and stop; the entry point closes the log.
   */
  log?: DiagnosticLog;
  logDir?: string;
}

export interface StationRuntime {
  station: Station;
  mode: 'real' | 'training';
  training: TrainingSession | null;
  /** The OS reported a machine policy change: the settings screen says to restart. */
  policyChanged(): void;
  close(): Promise<void>;
}

/**
 * Training when the operator chose it or nothing is configured, unless the organisation forbids it:
 * a fresh install opens on something an operator can practise with instead of an error.
 */
export function chooseMode(settings: Settings): 'real' | 'training' {
  if (!settings.trainingModeAllowed) return 'real';
  return settings.trainingMode || settings.cmBaseUrl === '' ? 'training' : 'real';
}

/**
 * Builds the station the way every entry point needs it: settings, mode, then the services (in
 * training, the simulator's). The process around it (data folder lock, diagnostic log, machine
 * policy) is station-process.ts's.
 */
export async function startStationRuntime(options: RuntimeOptions): Promise<StationRuntime> {
  // Settings are read before the mode (and so the OS log) is known: their listeners report to the
  // diagnostic log the process opened, or to stderr in a caller that opened none.
  const onListenerError = options.log ? listenerErrorsTo(options.log) : reportListenerErrorToStderr;
  const settings = createSettingsService({ policy: options.policy, store: options.settingsStore, onListenerError });
  options.beforeCm?.(options.cmUrlOverride ? withCmUrl(settings, options.cmUrlOverride) : settings);
  const mode = options.mode ?? chooseMode(settings.effective());
  // The fleet view carries the real station only: training's records and health are not IT's.
  const osLog = mode === 'real' ? options.osLog : undefined;
  const log = options.log && osLog ? withOsLog(options.log, osLog) : options.log;
  if (log) logStart(log, { version: options.version, mode, settings: settings.view() });
  const stopped = async (): Promise<void> => {
    if (log) logStop(log, mode);
    // station.stop is queued: let it reach the OS log before the entry point ends the process.
    await osLog?.flush();
  };
  const common = {
    version: options.version,
    now: () => new Date(),
    random: Math.random,
    actor: options.actor,
    defaultExportDir: options.defaultExportDir,
    ...(log ? { log } : {}),
    ...(osLog ? { osLog } : {}),
    ...(options.logDir ? { logDir: options.logDir } : {}),
    ...(options.tuning ? { tuning: options.tuning } : {}),
  };

  if (mode === 'training') {
    // Nothing from training reaches a real CM (the simulator on loopback is the only server it can
    // talk to) or the real records (its own data folder).
    const dataDir = join(options.dataDir, 'training');
    const training = await startTraining({ dataDir, ...(options.trainingAdminToken ? { adminToken: options.trainingAdminToken } : {}) });
    const trainingSettings = createSettingsService({
      policy: options.policy,
      onListenerError,
      store: trainingSettingsStore(
        options.settingsStore,
        options.trainingSettingsStore ?? createConfSettingsStore({ dataDir }),
      ),
    });
    const station = await createStation({
      ...common,
      training: true,
      dataDir,
      pcsc: training.pcsc,
      cmTransport: training.transport,
      settings: withTrainingPolicy(withCmUrl(trainingSettings, training.baseUrl)),
      userDisplayName: training.userDisplayName,
      directory: trainingDirectory(training.simulator),
      trainingControls: {
        readers: TRAINING_READERS,
        samples: SAMPLE_CARDS,
        insertSample: training.insertSample,
        removeCard: training.removeCard,
        reset: training.reset,
      },
    });
    return {
      station,
      mode,
      training,
      policyChanged: () => trainingSettings.policyChanged(),
      close: async () => {
        await station.close();
        await training.close();
        await stopped();
      },
    };
  }

  const station = await createStation({
    ...common,
    training: false,
    dataDir: options.dataDir,
    pcsc: options.realPcsc(),
    cmTransport: options.cmTransport,
    settings: options.cmUrlOverride ? withCmUrl(settings, options.cmUrlOverride) : settings,
  });
  return { station, mode, training: null, policyChanged: () => settings.policyChanged(), close: async () => {
    await station.close();
    await stopped();
  } };
}

/**
 * The same settings, with the CM URL the runtime decided on (the training simulator, or a CLI
 * flag). Only what the station runs with changes: the settings view still shows what is saved
 * (settings accept only https URLs; the simulator is plain HTTP on loopback), with the URL shown
 * as managed since changing it would have no effect while overridden.
 */
export function withCmUrl(service: SettingsService, cmBaseUrl: string): SettingsService {
  const decorate = (view: SettingsView): SettingsView => ({ ...view, managed: { ...view.managed, cmBaseUrl: true } });
  return {
    effective: () => ({ ...service.effective(), cmBaseUrl }),
    view: () => decorate(service.view()),
    update: (patch) => decorate(service.update(patch)),
    policyChanged: () => service.policyChanged(),
    subscribe: (listener) => service.subscribe((view) => listener(decorate(view))),
  };
}

/**
 * Training's simulated CM comes with the RequestType numbers IT would have confirmed for it
 * (cm-sim/fixtures/training-directory.json), so practice works like a configured station. A real
 * station gets `requestTypeNumbers` only from machine policy.
 */
function withTrainingPolicy(service: SettingsService): SettingsService {
  const numbers = requestTypeNumbersSchema.parse(trainingRequestTypeNumbers());
  return {
    ...service,
    effective: () => {
      const settings = service.effective();
      return { ...settings, requestTypeNumbers: { ...numbers, ...settings.requestTypeNumbers } };
    },
  };
}
