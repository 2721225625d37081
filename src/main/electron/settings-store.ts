import Store from 'electron-store';
import { StationError } from '../../shared/errors';
import type { UserSettings } from '../../shared/settings';
import type { SettingsStore } from '../config';

/**
 * The operator's settings in the desktop app, kept by electron-store in the user's profile. The
 * settings service validates whatever comes back, exactly as for the Node JSON store, so a hand-
 * edited or damaged file is reported and set aside rather than trusted.
 */
export function createElectronSettingsStore(): SettingsStore {
  // clearInvalidConfig: a corrupt file must not crash start-up; the service reports the reset.
  const store = new Store<{ values?: unknown }>({ name: 'settings', clearInvalidConfig: true });
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
