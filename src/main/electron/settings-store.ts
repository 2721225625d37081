import { join } from 'node:path';
import { app, ipcMain } from 'electron';
import Store from 'electron-store';
import { settingsStoreOver, SETTINGS_STORE_OPTIONS, type SettingsStore } from '../config';

/** Registered by electron-store's constructor for renderer-side stores, which we never use. */
const ELECTRON_STORE_CHANNEL = 'electron-store-get-data';

/**
 * The operator's settings in the desktop app: electron-store in userData, constructed with the
 * options the Node runtime gives conf (SETTINGS_STORE_OPTIONS), so the app, the host and the CLI read
 * and write one file in one format (`settings.json`, `{ "values": … }`). The settings service
 * validates whatever comes back, so a hand-edited or damaged file is reported and set aside rather
 * than trusted or silently emptied.
 */
export function createElectronSettingsStore(): SettingsStore {
  const { configName, ...shared } = SETTINGS_STORE_OPTIONS;
  const open = () => {
    const store = new Store<{ values?: unknown }>({ ...shared, name: configName });
    // That listener answers any frame without a sender check (checklist 17) and nothing of ours
    // needs it: the renderer never touches settings files, it asks the station over the contract.
    ipcMain.removeAllListeners(ELECTRON_STORE_CHANNEL);
    return store;
  };
  return settingsStoreOver(open, join(app.getPath('userData'), `${configName}.json`));
}
