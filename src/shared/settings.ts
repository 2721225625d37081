import { z } from 'zod';
import { readerPatternSchema } from './reader-patterns';
import { ISSUE_AT_DESK } from './issuance';
import { requestTypeNumbersSchema, retireReplacedCardSchema } from './request-types';

/**
 * Station settings: what an operator may choose and what IT may set or lock through machine policy
 * (see docs/deploying.md). Everything here is JSON-safe: the same shapes travel over Electron IPC,
 * the host's WebSocket, the user settings file and policy.json.
 */

export const LOCALES = ['en', 'fr'] as const;
export type Locale = (typeof LOCALES)[number];

/** '' means "not set": the feature that needs the URL stays off (no CM calls, no updates). */
const httpsUrlOrEmpty = z
  .string()
  .trim()
  .superRefine((value, ctx) => {
    if (value === '') return;
    const problem = httpsUrlProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: `${problem} (got "${value}")` });
  });

function httpsUrlProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute https:// URL';
  }
  if (url.protocol !== 'https:') return 'must use https://';
  // Credentials in a URL would end up in logs and the settings screen; auth is integrated Windows auth.
  if (url.username !== '' || url.password !== '') return 'must not contain a user name or password';
  if (url.search !== '' || url.hash !== '') return 'must not contain a query or fragment';
  return null;
}

/**
 * Host patterns for integrated Windows authentication (Kerberos/NTLM): `cm.contoso.com` (that host
 * only) or `*.contoso.com` (any host under contoso.com). A bare `*` is refused: it would offer the
 * operator's Windows credentials to any server.
 */
export const authDomainPatternSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^(?:\*\.)?[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/,
    'must be a host name such as "cm.contoso.com" or "*.contoso.com"',
  );

/** '' (no export folder configured) or an absolute Windows (drive or UNC) or POSIX path. */
const absoluteFolderOrEmpty = z
  .string()
  .trim()
  .regex(/^(?:$|[A-Za-z]:[\\/]|\\\\[^\\/]+[\\/][^\\/]+|\/)/, 'must be an absolute folder path (or empty)');

// --- directory lookup (names beside CM's user GUIDs; docs/deploying.md "Directory") ------------
const ldapUrlOrEmpty = z
  .string()
  .trim()
  .regex(/^(?:$|ldaps?:\/\/[^/?#\s]+\/?$)/, 'must be ldaps://host[:port] or ldap://host[:port] (StartTLS), or empty');
const directoryFields = {
  /** 'auto': Active Directory on a domain-joined Windows PC, none elsewhere. */
  directoryKind: z.enum(['auto', 'none', 'ad', 'ldap']),
  directoryLdapUrl: ldapUrlOrEmpty,
  /** PEM file of the CA for the LDAP server's certificate; '' = the system's trust store. */
  directoryLdapCaFile: absoluteFolderOrEmpty,
  /** '' = anonymous bind. */
  directoryLdapBindDn: z.string().trim().max(500),
  /** A file holding the bind password (the policy itself never holds a secret). */
  directoryLdapBindPasswordFile: absoluteFolderOrEmpty,
  directoryLdapBaseDn: z.string().trim().max(500),
  directoryLdapGuidAttribute: z.enum(['objectGUID', 'entryUUID']),
  directoryLdapAccountAttribute: z.string().trim().regex(/^[A-Za-z][A-Za-z0-9-]*$/, 'must be an LDAP attribute name'),
  /** NetBIOS domain shown before LDAP accounts (CONTOSO\\dana); '' = the account alone. */
  directoryAccountDomain: z.string().trim().max(15),
  /** How long a name stays usable without the directory (offline), in days. */
  directoryCacheDays: z.number().int().min(1).max(365),
};
const DIRECTORY_KEYS = [
  'directoryKind',
  'directoryLdapUrl',
  'directoryLdapCaFile',
  'directoryLdapBindDn',
  'directoryLdapBindPasswordFile',
  'directoryLdapBaseDn',
  'directoryLdapGuidAttribute',
  'directoryLdapAccountAttribute',
  'directoryAccountDomain',
  'directoryCacheDays',
] as const;
const DIRECTORY_DEFAULTS = {
  directoryKind: 'auto',
  directoryLdapUrl: '',
  directoryLdapCaFile: '',
  directoryLdapBindDn: '',
  directoryLdapBindPasswordFile: '',
  directoryLdapBaseDn: '',
  directoryLdapGuidAttribute: 'objectGUID',
  directoryLdapAccountAttribute: 'sAMAccountName',
  directoryAccountDomain: '',
  directoryCacheDays: 30,
} as const;

/** The shape of each setting, without defaults: policy files and update payloads are partial. */
const settingFields = {
  /** CM REST API base, e.g. https://cm.contoso.com/CertificateManagement/api/v1.0/ ('' = CM off). */
  cmBaseUrl: httpsUrlOrEmpty.transform((url) => (url === '' || url.endsWith('/') ? url : `${url}/`)),
  cmTimeoutMs: z.number().int().min(1_000).max(120_000),
  allowedAuthDomains: z.array(authDomainPatternSchema).max(50),
  readerInclude: z.array(readerPatternSchema).max(50),
  readerExclude: z.array(readerPatternSchema).max(50),
  /** Whether this station may enter training mode at all (IT decides; see POLICY_ONLY_KEYS). */
  trainingModeAllowed: z.boolean(),
  /** The operator's choice; only effective while trainingModeAllowed is true. */
  trainingMode: z.boolean(),
  /** Days a finished outbox operation stays visible before it is pruned. */
  outboxRetentionDays: z.number().int().min(1).max(3_650),
  auditExportFolder: absoluteFolderOrEmpty,
  locale: z.enum(LOCALES),
  /** Update feed; '' = the station never looks for updates. Only machine policy can set it. */
  updateFeedUrl: httpsUrlOrEmpty,
  ...directoryFields,
  /** CM RequestType numbers IT confirmed on its CM, e.g. {"2": "Recover"} (see docs/cm-notes.md). Machine policy only. */
  requestTypeNumbers: requestTypeNumbersSchema,
  /** When the card a new card replaces is retired. Machine policy only. */
  retireReplacedCard: retireReplacedCardSchema,
  /** Desk issuance after the bind (../shared/docs/desk-issuance.md): off, offered, or always. Machine policy only. */
  issueAtDesk: z.enum(ISSUE_AT_DESK),
};

export const settingsSchema = z.strictObject(settingFields);
export type Settings = z.infer<typeof settingsSchema>;
export type SettingKey = keyof Settings;

export const SETTING_KEYS = Object.keys(settingFields) as SettingKey[];
export const settingKeySchema = z.enum(SETTING_KEYS as [SettingKey, ...SettingKey[]]);

/**
 * Machine-only keys: set by IT through the OS's policy channel (docs/deploying.md) or left at the
 * built-in default, never by the operator, the renderer or a WebSocket client (SETTING_MACHINE_ONLY).
 * They decide where credentials, card data and audit data may go and what the station may do.
 * This is the ONE list: the settings service, the user-settings schema, the policy reader and the
 * ADMX generator all derive from it.
 */
export const POLICY_ONLY_KEYS = [
  'cmBaseUrl',
  'allowedAuthDomains',
  'auditExportFolder',
  'trainingModeAllowed',
  'updateFeedUrl',
  ...DIRECTORY_KEYS,
  'requestTypeNumbers',
  'retireReplacedCard',
  'issueAtDesk',
] as const satisfies readonly SettingKey[];
export type PolicyOnlyKey = (typeof POLICY_ONLY_KEYS)[number];
export type UserSettingKey = Exclude<SettingKey, PolicyOnlyKey>;

export function isMachineOnlyKey(key: string): key is PolicyOnlyKey {
  return (POLICY_ONLY_KEYS as readonly string[]).includes(key);
}

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  cmBaseUrl: '',
  cmTimeoutMs: 15_000,
  allowedAuthDomains: [],
  readerInclude: [],
  // The Windows Hello virtual reader is never an enrollment target and confuses operators.
  readerExclude: ['*Windows Hello*'],
  trainingModeAllowed: true,
  trainingMode: false,
  outboxRetentionDays: 30,
  auditExportFolder: '',
  locale: 'en',
  updateFeedUrl: '',
  ...DIRECTORY_DEFAULTS,
  requestTypeNumbers: {},
  // Binding does not execute the request: retire the old card only once the new one is Active.
  retireReplacedCard: 'when-new-card-active',
  // Offered after a bind the station can issue; the operator may still bind only.
  issueAtDesk: 'offer',
});

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
