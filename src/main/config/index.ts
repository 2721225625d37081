export {
  createConfSettingsStore,
  type ConfLike,
  SETTINGS_STORE_OPTIONS,
  settingsStoreOver,
} from './conf-settings-store';
export { policyFilePath, type PolicyLocationDeps } from './paths';
export { type Policy, type PolicyFileReader, parsePolicy, readPolicy, SAFE_SETTINGS } from './policy';
export {
  createSettingsService,
  type SettingsListener,
  type SettingsService,
  type SettingsServiceDeps,
} from './settings-service';
export {
  createJsonFileSettingsStore,
  type JsonFileSettingsStoreOptions,
  type SettingsFileSystem,
  type SettingsStore,
} from './user-settings';
