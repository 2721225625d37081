import { z } from 'zod';
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

/**
 * Reader name patterns. Syntax: `*` matches any run of characters (also none), `?` matches exactly
 * one character; every other character matches itself; matching is case-insensitive and covers the
 * whole reader name. Example: `*Windows Hello*` hides the Windows Hello virtual smart card reader.
 */
export const readerPatternSchema = z.string().trim().min(1, 'must not be empty').max(200, 'is too long');

/** '' (no export folder configured) or an absolute Windows (drive or UNC) or POSIX path. */
const absoluteFolderOrEmpty = z
  .string()
  .trim()
  .regex(/^(?:$|[A-Za-z]:[\\/]|\\\\[^\\/]+[\\/][^\\/]+|\/)/, 'must be an absolute folder path (or empty)');

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
  /** CM RequestType numbers IT confirmed on its CM, e.g. {"2": "Recover"} (see docs/cm-notes.md). Machine policy only. */
  requestTypeNumbers: requestTypeNumbersSchema,
  /** When the card a new card replaces is retired. Machine policy only. */
  retireReplacedCard: retireReplacedCardSchema,
};

export const settingsSchema = z.strictObject(settingFields);
export type Settings = z.infer<typeof settingsSchema>;
export type SettingKey = keyof Settings;

export const SETTING_KEYS = Object.keys(settingFields) as SettingKey[];
export const settingKeySchema = z.enum(SETTING_KEYS as [SettingKey, ...SettingKey[]]);

/**
 * Keys only the organisation sets (policy values or the built-in default); the operator never can,
 * because they decide what the station is allowed to do, not how an operator likes to work.
 */
export const POLICY_ONLY_KEYS = ['trainingModeAllowed', 'updateFeedUrl', 'requestTypeNumbers', 'retireReplacedCard'] as const satisfies readonly SettingKey[];
export type PolicyOnlyKey = (typeof POLICY_ONLY_KEYS)[number];
export type UserSettingKey = Exclude<SettingKey, PolicyOnlyKey>;

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
  requestTypeNumbers: {},
  // Binding does not execute the request: retire the old card only once the new one is Active.
  retireReplacedCard: 'when-new-card-active',
});

/** The values the operator saved: a strict subset of settings (policy-only keys are not theirs). */
export const userSettingsSchema = settingsSchema
  .omit({ trainingModeAllowed: true, updateFeedUrl: true, requestTypeNumbers: true, retireReplacedCard: true })
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

/** What the renderer shows: effective values, which ones are managed, and why. */
export const settingsViewSchema = z.object({
  values: settingsSchema,
  /** true: managed by the organisation (locked or policy-only, or everything while policy is invalid). */
  managed: z.record(settingKeySchema, z.boolean()),
  policy: z.object({
    /** The policy file that was read; null when there is none. */
    source: z.string().nullable(),
    status: policyStatusSchema,
    problems: z.array(z.string()),
  }),
  /** 'reset': the saved user settings could not be used (kept aside if they could be read); defaults apply. */
  user: z.object({
    status: z.enum(['ok', 'reset']),
    problems: z.array(z.string()),
  }),
});
export type SettingsView = z.infer<typeof settingsViewSchema>;

function patternToRegExp(pattern: string): RegExp {
  const body = pattern
    .split('')
    .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, 'is');
}

export function readerPatternMatches(pattern: string, readerName: string): boolean {
  return patternToRegExp(pattern).test(readerName);
}

/**
 * Whether the station shows a reader: it must match an include pattern (an empty include list
 * includes every reader) and no exclude pattern (exclusion wins).
 */
export function isReaderShown(
  readerName: string,
  filter: Pick<Settings, 'readerInclude' | 'readerExclude'>,
): boolean {
  const included =
    filter.readerInclude.length === 0 || filter.readerInclude.some((p) => readerPatternMatches(p, readerName));
  return included && !filter.readerExclude.some((p) => readerPatternMatches(p, readerName));
}
