import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { EXIT } from './exit-codes';
import { nodeCliEnvironment } from './node-platform';
import { runStationCli } from './station-cli';

/**
 * `npm run station -- <command>`: the station CLI under plain Node (Negotiate through the `kerberos`
 * addon, `--policy` and `--cm-url` for development). The installed app runs the same commands
 * (station-cli.ts) through its own environment (electron/cli-mode.ts), never through this file.
 */

/** True when this file is the script Node was started with. */
function isEntryScript(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return pathToFileURL(realpathSync(script)).href === import.meta.url;
  } catch {
    // argv[1] that cannot be resolved is not this script: nothing to report.
    return false;
  }
}

if (isEntryScript()) {
  // The PC/SC monitor and timers would keep the process alive; the runtime is closed already.
  runStationCli(process.argv.slice(2), nodeCliEnvironment)
    .then((code) => process.exit(code))
    // Only reached if reporting itself failed (e.g. a result that cannot be serialised).
    .catch((err: unknown) => {
      console.error(err);
      process.exit(EXIT.failed);
    });
}
