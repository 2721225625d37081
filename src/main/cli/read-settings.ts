import { createConfSettingsStore, createSettingsService, readMachinePolicy, type SettingsService } from '../config';

/**
 * The settings of a data folder as the station would read them (machine policy from the OS
 * channel or a development `--policy`, the operator's file), for read-only commands that start no
 * station (cm-check, support-bundle): nothing is watched, nothing is written.
 */
export async function readStationSettings(flags: { dataDir: string; policy?: string | undefined }): Promise<SettingsService> {
  const machine = await readMachinePolicy({ platform: process.platform, developmentFile: flags.policy });
  machine.dispose();
  return createSettingsService({ policy: machine.policy, store: createConfSettingsStore({ dataDir: flags.dataDir }) });
}
