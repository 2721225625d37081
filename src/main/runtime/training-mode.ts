import { join } from 'node:path';
import type { Settings } from '../../shared/settings';
import { createConfSettingsStore, createSettingsService, type Policy, type SettingsService, type SettingsStore, trainingSettingsStore } from '../config';
import type { ListenerErrorReporter } from '../common';
import type { StationDeps } from '../station';
import { SAMPLE_CARDS, startTraining, TRAINING_READERS, trainingDirectory, type TrainingSession } from '../training';
import { withCmUrl, withTrainingPolicy } from './settings-overrides';

/**
 * Training when the operator chose it or nothing is configured, unless the organisation forbids it:
 * a fresh install opens on something an operator can practise with instead of an error.
 */
export function chooseMode(settings: Settings): 'real' | 'training' {
  if (!settings.trainingModeAllowed) return 'real';
  return settings.trainingMode || settings.cmBaseUrl === '' ? 'training' : 'real';
}

/** What a training station is made of in place of the real parts (the rest of StationDeps is the same). */
export type TrainingParts = Pick<
  StationDeps,
  'training' | 'dataDir' | 'pcsc' | 'cmTransport' | 'settings' | 'userDisplayName' | 'directory' | 'trainingControls'
>;

/**
 * Starts training's world: the CM simulator on loopback (the only server a training station can
 * talk to, so nothing reaches a real CM), simulated readers with sample cards, a data folder of its
 * own (`training/`: nothing reaches the real records), and settings that start from the real ones
 * but are never written into them (trainingSettingsStore). `settings` is the service the OS's
 * policy changes are reported to.
 */
export async function openTrainingMode(options: {
  dataDir: string;
  policy: Policy;
  settingsStore: SettingsStore;
  /** Where changes made in training are kept (default: training/settings.json in the data folder). */
  trainingSettingsStore?: SettingsStore | undefined;
  /** The station host's token: in training it also opens the simulator's `/__sim/` admin routes. */
  adminToken?: string | undefined;
  /** Where the training settings' listener failures go (the diagnostic log). */
  onListenerError: ListenerErrorReporter;
}): Promise<{ session: TrainingSession; settings: SettingsService; parts: TrainingParts }> {
  const dataDir = join(options.dataDir, 'training');
  const session = await startTraining({ dataDir, ...(options.adminToken ? { adminToken: options.adminToken } : {}) });
  const settings = createSettingsService({
    policy: options.policy,
    onListenerError: options.onListenerError,
    store: trainingSettingsStore(options.settingsStore, options.trainingSettingsStore ?? createConfSettingsStore({ dataDir })),
  });
  return {
    session,
    settings,
    parts: {
      training: true,
      dataDir,
      pcsc: session.pcsc,
      cmTransport: session.transport,
      settings: withTrainingPolicy(withCmUrl(settings, session.baseUrl)),
      userDisplayName: session.userDisplayName,
      directory: trainingDirectory(session.simulator),
      trainingControls: {
        readers: TRAINING_READERS,
        samples: SAMPLE_CARDS,
        insertSample: session.insertSample,
        removeCard: session.removeCard,
        reset: session.reset,
      },
    },
  };
}
