import { app } from 'electron';
import { runStationCli } from '../cli/station';
import { startElectronRuntime } from './station-runtime';

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
    .then(() => runStationCli(args, (flags) => startElectronRuntime(flags)))
    .then(
      (code) => app.exit(code),
      (err: unknown) => {
        console.error(err);
        app.exit(1);
      },
    );
}
