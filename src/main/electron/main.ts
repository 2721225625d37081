import { join } from 'node:path';
import { app, type BrowserWindow, dialog } from 'electron';
import { WEAKENING_CHROMIUM_SWITCHES } from '../../shared/chromium-switches';
import { toErrorPayload } from '../../shared/errors';
import { readMachinePolicy } from '../config';
import { allowedSwitches, switchRefusal, weakeningSwitchesIn } from '../shell-policy';
import { startStation, type StationRuntime } from '../runtime';
import { cliArguments, runCliInElectron } from './cli-mode';
import { registerStationIpc } from './ipc';
import { handleAppProtocol, registerAppScheme } from './protocol';
import { electronStation } from './platform';
import { createMainWindow, lockDownSession } from './window';
import { reportFailure } from '../common';

// Renderers are sandboxed whatever a window asks for (checklist 4), before anything is created.
app.enableSandbox();
registerAppScheme();

const cliArgs = cliArguments(process.argv);

/**
 * Switches that weaken TLS, proxy, name resolution, sign-in scope or the sandbox
 * (shared/chromium-switches.ts) are refused by the installed app, in front of `--cli` as anywhere
 * else, unless machine policy allows them: taken off Chromium's command line at once, before
 * anything of the station starts, then put back only if `allowedChromiumSwitches` lists them.
 */
const weakening = app.isPackaged
  ? [...new Set([...weakeningSwitchesIn(process.argv, process.platform), ...WEAKENING_CHROMIUM_SWITCHES.filter((s) => app.commandLine.hasSwitch(s))])]
  : [];
if (weakening.length === 0) {
  startApp();
} else {
  const values = new Map(weakening.map((s) => [s, app.commandLine.getSwitchValue(s)]));
  for (const s of weakening) app.commandLine.removeSwitch(s);
  readMachinePolicy({ platform: process.platform }).then(
    (machine) => {
      machine.dispose();
      const refusal = switchRefusal(weakening, allowedSwitches(machine.policy));
      if (refusal !== null) return refuseToStart(refusal);
      for (const [s, value] of values) app.commandLine.appendSwitch(s, ...(value === '' ? [] : [value]));
      startApp();
    },
    (err: unknown) => refuseToStart(`Enrollment Station could not read machine policy to check its command line: ${String(err)}`),
  );
}

/** Exits with the reason: on stderr with exit 2 (bad input) for `--cli`, in a message box otherwise. */
function refuseToStart(message: string): void {
  if (cliArgs !== null) {
    console.error(message);
    app.exit(2);
    return;
  }
  dialog.showErrorBox('Enrollment Station', message);
  app.exit(1);
}

function startApp(): void {
  if (cliArgs !== null) {
    // `--cli <command>`: the station CLI without a window (cli-mode.ts).
    runCliInElectron(cliArgs);
  } else if (!app.requestSingleInstanceLock()) {
    // One station per desktop: two would fight over the readers and the outbox journal.
    app.quit();
  } else {
    let window: BrowserWindow | null = null;
    let runtime: StationRuntime | null = null;

    app.on('second-instance', () => {
      if (window) {
        if (window.isMinimized()) window.restore();
        window.focus();
      }
    });

    app.on('web-contents-created', (_event, contents) => {
      // Belt and braces for any webContents, not just our window (checklist 11-14).
      contents.on('will-attach-webview', (e) => e.preventDefault());
      contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    });

    app
      .whenReady()
      .then(start)
      .catch((err: unknown) => {
        // E.g. a damaged outbox journal (STORAGE_CORRUPT, which names the file and offset): nothing
        // may be guessed or dropped, so the operator is told exactly what happened and whom to call.
        const { code, message, details } = toErrorPayload(err);
        const detail = Object.keys(details).length ? `\n\n${JSON.stringify(details, null, 2)}` : '';
        console.error('station: could not start:', err);
        dialog.showErrorBox('Enrollment Station could not start', `${message} (${code})${detail}\n\nContact IT support.`);
        app.exit(1);
      });

    async function start(): Promise<void> {
      lockDownSession();
      handleAppProtocol(join(app.getAppPath(), 'out', 'renderer'));

      // Integrated sign-in is scoped by startStation (beforeCm), before the outbox or anything else can call CM.
      runtime = await startStation(electronStation());

      registerStationIpc(runtime.station, () => window);
      window = createMainWindow({
        preloadPath: join(__dirname, '..', 'preload', 'preload.cjs'),
        devTools: !app.isPackaged,
        externalHosts: () => [],
      });
      window.on('closed', () => {
        window = null;
      });
    }

    app.on('window-all-closed', () => app.quit());
    app.on('before-quit', (event) => {
      if (!runtime) return;
      // Let the outbox finish recording what is in flight before the process goes.
      event.preventDefault();
      const closing = runtime;
      runtime = null;
      closing
        .close()
        .catch(reportFailure('shutdown'))
        .finally(() => app.quit());
    });
  }
}
