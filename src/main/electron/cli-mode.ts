import { app } from 'electron';
import type { CliEnvironment } from '../cli';
import { runStationCli } from '../cli';
import { reportListenerErrorToStderr } from '../common';
import { createSettingsService, readMachinePolicy } from '../config';
import { withCmUrl } from '../runtime';
import { createScopedCmTransport } from './cm-transport';
import { createElectronSettingsStore } from './settings-store';
import { electronStation, refuseDevelopmentFlags } from './platform';

/**
 * `Enrollment Station.exe --cli <command> [options]`: the station CLI (src/main/cli/station.ts,
 * the same commands, options, output and exit codes as `npm run station --`) inside the installed
 * app's main process, without a window. It signs in to CM through Chromium's network stack
 * (`net.fetch`: the Windows session, system proxy, OS certificate store, and the same integrated
 * sign-in allowlist as the app), so IT scripts need no Node and no Kerberos set-up of their own.
 */
export const CLI_SWITCH = '--cli';

/**
 * The CLI's arguments: everything after the first `--cli`, or null when the app was started
 * without it. Whatever comes before (the executable; `.` or the app path in development) is the
 * launcher's. A `--cli` with nothing after it is still CLI mode: the CLI answers with its usage.
 */
export function cliArguments(argv: readonly string[]): string[] | null {
  const at = argv.indexOf(CLI_SWITCH);
  return at === -1 ? null : argv.slice(at + 1);
}

/**
 * The installed app as the CLI's environment: every command, the read-only ones (cm-check,
 * support-bundle) included, takes machine policy from the OS channel only, signs in through
 * `net.fetch` with the integrated sign-in allowlist set first, and refuses `--policy`/`--cm-url`.
 * Nothing here reaches the Node-only Negotiate transport or its `kerberos` addon, which the
 * installer does not ship (test/unit/packaging/main-bundle.test.ts).
 */
export function electronCliEnvironment(): CliEnvironment {
  return {
    station: (flags) => electronStation(flags),
    async readOnlyCm(flags) {
      refuseDevelopmentFlags(flags);
      const machine = await readMachinePolicy({ platform: process.platform });
      machine.dispose();
      // A read-only command opens no diagnostic log (and nothing subscribes): stderr is all there is.
      const read = createSettingsService({ policy: machine.policy, store: createElectronSettingsStore(), onListenerError: reportListenerErrorToStderr });
      // --cm-url reaches here only in development (refused above once packaged).
      const settings = flags.cmUrl === undefined ? read : withCmUrl(read, flags.cmUrl);
      const cm = createScopedCmTransport();
      cm.scopeTo(settings);
      return { settings, cmBaseUrl: settings.effective().cmBaseUrl, transport: cm.transport };
    },
    defaultDataDir: () => app.getPath('userData'),
    version: () => app.getVersion(),
    checkFlags: refuseDevelopmentFlags,
  };
}

/**
 * Runs the command once Electron is ready and exits with the CLI's exit code. One station per
 * desktop: while the app runs it holds the outbox journal, so the CLI refuses (exit 1) instead of
 * opening the same journal twice.
 */
export function runCliInElectron(args: string[]): void {
  if (!app.requestSingleInstanceLock()) {
    console.error('Enrollment Station is running on this desktop. Close it before running a scripted command.');
    app.exit(1);
    return;
  }
  app
    .whenReady()
    .then(() => runStationCli(args, electronCliEnvironment()))
    .then(
      (code) => app.exit(code),
      (err: unknown) => {
        console.error(err);
        app.exit(1);
      },
    );
}
