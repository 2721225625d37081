import { ipcMain } from 'electron';
import Store from 'electron-store';
import { StationError } from '../../shared/errors';
import type { UserSettings } from '../../shared/settings';
import type { SettingsStore } from '../config';

/** Registered by electron-store's constructor for renderer-side stores, which we never use. */
const ELECTRON_STORE_CHANNEL = 'electron-store-get-data';

/**
 * The operator's settings in the desktop app, kept by electron-store in the user's profile
 * (userData/settings.json). The settings service validates whatever comes back, exactly as for the
 * Node JSON store, so a hand-edited or damaged file is reported and set aside rather than trusted.
 */
export function createElectronSettingsStore(): SettingsStore {
  // clearInvalidConfig: a corrupt file must not crash start-up; the service reports the reset.
  // configFileMode: owner-only like every file the station keeps (conf's default is 0666 & umask).
  const store = new Store<{ values?: unknown }>({ name: 'settings', clearInvalidConfig: true, configFileMode: 0o600 });
  // That listener answers any frame without a sender check (checklist 17) and nothing of ours
  // needs it: the renderer never touches settings files, it asks the station over the contract.
  ipcMain.removeAllListeners(ELECTRON_STORE_CHANNEL);
  return {
    get: () => store.get('values'),
    set(values: UserSettings) {
      try {
        store.set('values', values);
      } catch (err) {
        throw new StationError('STORAGE_IO', `Could not save the settings (${err instanceof Error ? err.message : 'unknown error'}).`);
      }
    },
    setAside() {
      const kept = JSON.stringify(store.get('values') ?? null);
      store.set('setAside', { at: new Date().toISOString(), values: kept });
      store.delete('values');
      return `${store.path} (key "setAside")`;
    },
  };
}
