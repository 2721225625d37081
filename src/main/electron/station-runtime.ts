import { mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import { app } from 'electron';
import type { NodeRuntimeFlags } from '../cli/node-runtime';
import { policyFilePath, readPolicy } from '../config';
import { createServiceProbe, createPcscliteBinding } from '../pcsc';
import { startStationRuntime, type StationRuntime } from '../runtime';
import { createScopedCmTransport } from './cm-transport';
import { createElectronSettingsStore } from './settings-store';

/**
 * The station as the Electron main process runs it, for the window and for `--cli` alike: the
 * user's profile folder and settings, Chromium's network stack with integrated sign-in scoped
 * before any CM call can start (cm-transport.ts).
 */
export function startElectronRuntime(flags: NodeRuntimeFlags = {}): Promise<StationRuntime> {
  const cm = createScopedCmTransport();
  const dataDir = flags.dataDir ?? app.getPath('userData');
  mkdirSync(dataDir, { recursive: true });
  return startStationRuntime({
    version: app.getVersion(),
    actor: userInfo().username,
    dataDir,
    defaultExportDir: app.getPath('documents'),
    policy: readPolicy(flags.policy ?? policyFilePath({ platform: process.platform, env: process.env })),
    settingsStore: createElectronSettingsStore(),
    cmTransport: cm.transport,
    beforeCm: (settings) => cm.scopeTo(settings),
    realPcsc: () => ({ binding: createPcscliteBinding(), probe: createServiceProbe() }),
    ...(flags.mode ? { mode: flags.mode } : {}),
    ...(flags.cmUrl ? { cmUrlOverride: flags.cmUrl } : {}),
    ...(flags.tuning ? { tuning: flags.tuning } : {}),
  });
}
