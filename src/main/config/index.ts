export { createConfSettingsStore, type ConfLike, SETTINGS_STORE_OPTIONS, settingsStoreOver } from './conf-settings-store';
export { readDevelopmentPolicy } from './channels/development-file';
export { LINUX_POLICY_PATH, readLinuxPolicy } from './channels/linux-etc';
// macOS managed preferences (plist) and the Windows registry channel (reg.exe export parser, the policy
// watcher): loaded by read-machine-policy.ts on their own OS only, not through here (start-up share).
export { type PolicyFs, readRootOwnedFile } from './channels/root-owned';
export { APP_ID, POLICY_REGISTRY_KEY, policyKeySpecs, type PolicyKeySpec } from './policy-keys';
export { invalidPolicy, NO_POLICY, parseJsonPolicy, type Policy, policyFromDocument, SAFE_SETTINGS } from './policy';
export { type MachinePolicy, readMachinePolicy } from './read-machine-policy';
export { createSettingsService, type SettingsListener, type SettingsService, type SettingsServiceDeps } from './settings-service';
export { trainingSettingsStore } from './training-store';
export type { SettingsStore } from './user-settings';
