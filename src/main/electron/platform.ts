import { userInfo } from 'node:os';
import { app } from 'electron';
import { StationError } from '../../shared/errors';
import type { StationFlags } from '../cli';
import { createServiceProbe, createPcscliteBinding } from '../pcsc';
import type { StartStationOptions } from '../runtime';
import { createScopedCmTransport } from './cm-transport';
import { createElectronSettingsStore } from './settings-store';

/**
 * The development flags of `npm run station`, refused by the app (every `--cli` command, before it
 * runs, and again here): `--policy` always, `--cm-url` once packaged.
 */
export function refuseDevelopmentFlags(flags: { policy?: string | undefined; cmUrl?: string | undefined }): void {
  if (flags.policy !== undefined) {
    // A development policy file would let whoever runs the installed app lift every lock IT set.
    throw new StationError(
      'BAD_REQUEST',
      '--policy is for development (npm run station); the installed app reads machine policy from the operating system only.',
    );
  }
  if (flags.cmUrl !== undefined && app.isPackaged) {
    // Where the operator's Windows credentials and card data go is machine policy's (cmBaseUrl),
    // in the installed app's scripted commands as on its screens.
    throw new StationError(
      'BAD_REQUEST',
      '--cm-url is for development (npm run station); the installed app takes the CM address from machine policy (cmBaseUrl).',
    );
  }
}

/**
 * The desktop app's adapters for startStation, for the window and for `--cli` alike: the user's
 * profile folder and settings, machine policy from the OS's own channel only (registry, managed
 * preferences, root-owned /etc: never a file or variable a user controls), Chromium's network stack
 * with integrated sign-in scoped before any CM call can start (cm-transport.ts).
 */
export function electronStation(flags: StationFlags = {}): StartStationOptions {
  refuseDevelopmentFlags(flags);
  const cm = createScopedCmTransport();
  return {
    program: flags.program ?? 'Enrollment Station (desktop app)',
    version: app.getVersion(),
    actor: userInfo().username,
    dataDir: flags.dataDir ?? app.getPath('userData'),
    defaultExportDir: app.getPath('documents'),
    policy: { from: 'os' },
    settingsStore: createElectronSettingsStore(),
    cmTransport: cm.transport,
    beforeCm: (settings) => cm.scopeTo(settings),
    realPcsc: () => ({ binding: createPcscliteBinding(), probe: createServiceProbe() }),
    mode: flags.mode,
    cmUrlOverride: flags.cmUrl,
    tuning: flags.tuning,
  };
}
