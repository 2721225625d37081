import type { UserSettings } from '../../shared/settings';

/**
 * Where the operator's own settings live: electron-store in the desktop app, conf with the same
 * options under Node (conf-settings-store.ts), one file format for both. Validation is the settings
 * service's job, so every backend behaves the same on bad data.
 */
export interface SettingsStore {
  /**
   * The saved values, not yet validated; undefined when nothing has been saved. Throws
   * StationError SETTINGS_INVALID when the stored data is not JSON, STORAGE_IO when it cannot be read.
   */
  get(): unknown;
  /** Replace the saved values durably. Throws StationError STORAGE_IO. */
  set(values: UserSettings): void;
  /**
   * Move unusable stored data out of the way (kept, not deleted, so IT can see what it was) so the
   * next set() starts clean. Returns where it went. Throws StationError STORAGE_IO.
   */
  setAside(): string;
}
