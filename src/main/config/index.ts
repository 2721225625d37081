export { createConfSettingsStore, type ConfLike, SETTINGS_STORE_OPTIONS, settingsStoreOver } from './conf-settings-store';
export { readDevelopmentPolicy } from './channels/development-file';
export { LINUX_POLICY_PATH, readLinuxPolicy } from './channels/linux-etc';
// macOS managed preferences (plist): loaded by read-machine-policy.ts on macOS only, not through here.
export { type PolicyFs, readRootOwnedFile } from './channels/root-owned';
export {
  type PolicyWatcherModule,
  type RegExeRunner,
  type RegistryAccess,
  type RegistryValue,
  readRegistryWithRegExe,
  readWindowsPolicy,
  watchPolicyChanges,
  WINDOWS_POLICY_SOURCE,
} from './channels/windows-registry';
export { APP_ID, POLICY_REGISTRY_KEY, policyKeySpecs, type PolicyKeySpec } from './policy-keys';
export { invalidPolicy, NO_POLICY, parseJsonPolicy, type Policy, policyFromDocument, SAFE_SETTINGS } from './policy';
export { type MachinePolicy, readMachinePolicy } from './read-machine-policy';
export { createSettingsService, type SettingsListener, type SettingsService, type SettingsServiceDeps } from './settings-service';
export { trainingSettingsStore } from './training-store';
export type { SettingsStore } from './user-settings';
