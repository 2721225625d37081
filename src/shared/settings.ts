import { z } from 'zod';

import { isLocale } from './locales';
import { type FieldKind, SETTING_DEFINITIONS, type SettingDefinitions } from './setting-definitions';

/**
 * Station settings: what an operator may choose and what IT may set or lock through machine policy
 * (see docs/deploying.md). Everything here is derived from the one table in setting-definitions.ts
 * and is JSON-safe: the same shapes travel over Electron IPC, the host's WebSocket, the user
 * settings file and policy.json.
 */
export { authDomainPatternSchema, LOCALES, SETTING_DEFINITIONS } from './setting-definitions';
export type { FieldKind, Locale, SettingDefinition, SettingText } from './setting-definitions';

type Definitions = SettingDefinitions;
const entries = Object.entries(SETTING_DEFINITIONS) as Array<[keyof Definitions, Definitions[keyof Definitions]]>;
function derive<V>(pick: (definition: Definitions[keyof Definitions]) => V): Record<keyof Definitions, V> {
  return Object.fromEntries(entries.map(([key, definition]) => [key, pick(definition)])) as Record<keyof Definitions, V>;
}

const settingFields = derive((d) => d.schema) as { [K in keyof Definitions]: Definitions[K]['schema'] };

export const settingsSchema = z.strictObject(settingFields);
export type Settings = z.infer<typeof settingsSchema>;
export type SettingKey = keyof Settings;

export const SETTING_KEYS = Object.keys(settingFields) as SettingKey[];
export const settingKeySchema = z.enum(SETTING_KEYS as [SettingKey, ...SettingKey[]]);

/**
 * Machine-only keys: set by IT through the OS's policy channel (docs/deploying.md) or left at the
 * built-in default, never by the operator, the renderer or a WebSocket client (SETTING_MACHINE_ONLY).
 * They decide where credentials, card data and audit data may go and what the station may do.
 */
export type PolicyOnlyKey = { [K in SettingKey]: Definitions[K]['machineOnly'] extends true ? K : never }[SettingKey];
export type UserSettingKey = Exclude<SettingKey, PolicyOnlyKey>;
export const POLICY_ONLY_KEYS: readonly PolicyOnlyKey[] = SETTING_KEYS.filter((key) => SETTING_DEFINITIONS[key].machineOnly) as PolicyOnlyKey[];

export function isMachineOnlyKey(key: string): key is PolicyOnlyKey {
  return (POLICY_ONLY_KEYS as readonly string[]).includes(key);
}

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze(derive((d) => d.default) as Settings);

/**
 * What the station runs with while the policy is invalid or refused (every key locked, settings
 * read-only): each definition's `safe` value, else its default (setting-definitions.ts says why
 * for each one that differs).
 */
export const SAFE_SETTINGS: Readonly<Settings> = Object.freeze(derive((d) => ('safe' in d && d.safe !== undefined ? d.safe : d.default)) as Settings);

/** Settings the station reads when it starts: a change applies at the next start. */
export const APPLIED_AT_RESTART: ReadonlySet<SettingKey> = new Set(SETTING_KEYS.filter((key) => SETTING_DEFINITIONS[key].applies === 'restart'));

/** A setting's label in the operator's language (English for a language the station does not have). */
export function settingLabel(key: SettingKey, language: string): string {
  return SETTING_DEFINITIONS[key].text[isLocale(language) ? language : 'en'].label;
}

/** How each setting is edited on the settings form. */
export const FIELD_KINDS: Readonly<Record<SettingKey, FieldKind>> = derive((d) => d.field);

/** The values the operator saved: a strict subset of settings (machine-only keys are not theirs). */
export const userSettingsSchema = settingsSchema
  .omit(Object.fromEntries(POLICY_ONLY_KEYS.map((key) => [key, true])) as { [K in PolicyOnlyKey]: true })
  .partial();
export type UserSettings = z.infer<typeof userSettingsSchema>;

/**
 * The `settings.update` payload: any subset of settings. Policy-only and locked keys parse here so
 * the station can answer SETTING_LOCKED naming the key rather than a generic "unknown key".
 */
export const settingsUpdateSchema = settingsSchema.partial();
export type SettingsUpdate = z.infer<typeof settingsUpdateSchema>;

export const policyStatusSchema = z.enum(['none', 'ok', 'invalid']);
export type PolicyStatus = z.infer<typeof policyStatusSchema>;

/**
 * Where machine policy came from: the OS's own channel, or a `--policy FILE` given to the Node host
 * or CLI for development, which every screen labels "development policy".
 */
export const POLICY_CHANNELS = ['windows-registry', 'macos-managed-preferences', 'linux-etc', 'development'] as const;
export const policyChannelSchema = z.enum(POLICY_CHANNELS);
export type PolicyChannel = z.infer<typeof policyChannelSchema>;

/** What the renderer shows: effective values, which ones are managed, and why. */
export const settingsViewSchema = z.object({
  values: settingsSchema,
  /** true: managed by the organisation (locked or policy-only, or everything while policy is invalid). */
  managed: z.record(settingKeySchema, z.boolean()),
  policy: z.object({
    /** The policy that was read (registry key, plist or file); null when there is none. */
    source: z.string().nullable(),
    status: policyStatusSchema,
    problems: z.array(z.string()),
    /** The channel it came from; null when there is no policy. */
    channel: policyChannelSchema.nullable(),
    /** The keys the policy sets (mandatory or recommended); a machine-only key not here is at its default. */
    keys: z.array(settingKeySchema),
    /** The OS reported a policy change since the station started: it applies at the next start. */
    changedSinceStart: z.boolean(),
  }),
  /** 'reset': the saved user settings could not be used (kept aside if they could be read); defaults apply. */
  user: z.object({
    status: z.enum(['ok', 'reset']),
    problems: z.array(z.string()),
  }),
});
export type SettingsView = z.infer<typeof settingsViewSchema>;

// Reader patterns live in reader-patterns.ts: one matcher for settings, policy, monitor and diagnostics.
export { isReaderShown, readerPatternMatches, readerPatternSchema } from './reader-patterns';
