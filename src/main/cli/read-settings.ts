import { reportListenerErrorToStderr } from '../common';
import { createConfSettingsStore, createSettingsService, readMachinePolicy, type SettingsService } from '../config';

/**
 * The settings of a data folder as the station would read them (machine policy from the OS
 * channel or a development `--policy`, the operator's file), for read-only commands that start no
 * station (cm-check, support-bundle): nothing is watched, nothing is written.
 */
export async function readStationSettings(flags: { dataDir: string; policy?: string | undefined }): Promise<SettingsService> {
  const machine = await readMachinePolicy({ platform: process.platform, developmentFile: flags.policy });
  machine.dispose();
  // A read-only command opens no diagnostic log (and nothing subscribes): stderr is all there is.
  return createSettingsService({
    policy: machine.policy,
    store: createConfSettingsStore({ dataDir: flags.dataDir }),
    onListenerError: reportListenerErrorToStderr,
  });
}
