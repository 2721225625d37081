import { join } from 'node:path';
import { app, type BrowserWindow, dialog } from 'electron';
import { toErrorPayload } from '../../shared/errors';
import type { StationRuntime } from '../runtime';
import { cliArguments, runCliInElectron } from './cli-mode';
import { registerStationIpc } from './ipc';
import { handleAppProtocol, registerAppScheme } from './protocol';
import { startElectronRuntime } from './station-runtime';
import { createMainWindow, lockDownSession } from './window';
import { reportFailure } from '../report-failure';

// Renderers are sandboxed whatever a window asks for (checklist 4), before anything is created.
app.enableSandbox();
registerAppScheme();

const cliArgs = cliArguments(process.argv);
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

  app.whenReady().then(start).catch((err: unknown) => {
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

    // Integrated sign-in is scoped inside, before the outbox or anything else can call CM.
    runtime = await startElectronRuntime();

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
