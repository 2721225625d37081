import { mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { app, type BrowserWindow, dialog } from 'electron';
import { toErrorPayload } from '../../shared/errors';
import { readMachinePolicy } from '../config';
import { createServiceProbe, createPcscliteBinding } from '../pcsc';
import { startStationRuntime, type StationRuntime } from '../runtime';
import { allowIntegratedAuthFor, electronNetTransport } from './cm-transport';
import { registerStationIpc } from './ipc';
import { handleAppProtocol, registerAppScheme } from './protocol';
import { createElectronSettingsStore } from './settings-store';
import { createMainWindow, lockDownSession } from './window';

// Renderers are sandboxed whatever a window asks for (checklist 4), before anything is created.
app.enableSandbox();
registerAppScheme();

if (!app.requestSingleInstanceLock()) {
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

  void app.whenReady().then(start).catch((err: unknown) => {
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

    const dataDir = app.getPath('userData');
    mkdirSync(dataDir, { recursive: true });
    // The OS's policy channel only (registry, managed preferences, root-owned /etc): never a file
    // or variable a user controls. A change is logged; it applies when the station restarts.
    const { policy } = await readMachinePolicy({
      platform: process.platform,
      onChange: () => {
        console.error('station: the machine policy changed; restart the station to apply it.');
        runtime?.policyChanged();
      },
    });
    runtime = await startStationRuntime({
      version: app.getVersion(),
      actor: userInfo().username,
      dataDir,
      defaultExportDir: app.getPath('documents'),
      policy,
      settingsStore: createElectronSettingsStore(),
      cmTransport: electronNetTransport,
      realPcsc: () => ({ binding: createPcscliteBinding(), probe: createServiceProbe() }),
    });
    const settings = await runtime.station.handlers['settings.get']({});
    allowIntegratedAuthFor(settings.values.allowedAuthDomains);

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
    void closing.close().finally(() => app.quit());
  });
}
