import { readFileSync } from 'node:fs';
import { z } from 'zod';
import {
  DEFAULT_SETTINGS,
  SETTING_KEYS,
  type SettingKey,
  type Settings,
  type SettingsUpdate,
  settingsSchema,
} from '../../shared/settings';
import { describeIssues } from './problems';

/**
 * Machine policy: a JSON file IT deploys (docs/deploying.md), e.g.
 *   { "values": { "cmBaseUrl": "https://cm.contoso.com/CertificateManagement/api/v1.0/" },
 *     "locked": ["cmBaseUrl", "trainingModeAllowed"] }
 * `values` are the organisation's defaults; `locked` keys take the policy value (or the built-in
 * default when the policy gives none) and the operator cannot change them.
 */
export type Policy =
  | { readonly status: 'none'; readonly source: null }
  | {
      readonly status: 'ok';
      readonly source: string;
      readonly values: SettingsUpdate;
      readonly locked: readonly SettingKey[];
    }
  | { readonly status: 'invalid'; readonly source: string; readonly problems: readonly string[] };

/**
 * What the station runs with while the policy is invalid (every key locked, settings read-only):
 * it must not act on an organisation's intent it could not read. So no CM address and no domain
 * for integrated Windows auth (no operator credentials leave the machine), no training mode (a
 * simulated enrollment must never be mistaken for a real one), no audit export, no updates.
 * Readers are still listed (reading a card is local and harmless) so the operator sees the station
 * is alive, next to a banner with the problems. The locale is the only thing kept from the
 * operator (see settings-service), so that the banner is read in their language.
 */
export const SAFE_SETTINGS: Readonly<Settings> = Object.freeze({
  ...DEFAULT_SETTINGS,
  cmBaseUrl: '',
  allowedAuthDomains: [],
  trainingModeAllowed: false,
  trainingMode: false,
  auditExportFolder: '',
  updateFeedUrl: '',
  // No directory either: it would be asked as configured by a policy the station could not read.
  directoryKind: 'none',
});

const lockedKeySchema = z.enum(SETTING_KEYS as [SettingKey, ...SettingKey[]], {
  error: (issue) => `${JSON.stringify(issue.input)} is not a setting (known: ${SETTING_KEYS.join(', ')})`,
});

const policyFileSchema = z
  .strictObject({
    values: settingsSchema.partial().optional(),
    locked: z.array(lockedKeySchema).optional(),
  })
  .superRefine((policy, ctx) => {
    const allowed = policy.values?.trainingModeAllowed ?? DEFAULT_SETTINGS.trainingModeAllowed;
    if (!allowed && policy.values?.trainingMode === true) {
      ctx.addIssue({
        code: 'custom',
        path: ['values', 'trainingMode'],
        message: 'cannot be true while trainingModeAllowed is false',
      });
    }
  });

function invalid(source: string, problems: readonly string[]): Policy {
  return { status: 'invalid', source, problems };
}

/** Decode the bytes as IT tools actually write them, and say exactly what is wrong when we cannot. */
function decode(bytes: Uint8Array): { text: string } | { problem: string } {
  // PowerShell 5's `>` and `Out-File` write UTF-16 by default: a common way to get this wrong.
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return { problem: 'the file is UTF-16 encoded; save it as UTF-8' };
  }
  try {
    // A UTF-8 byte order mark (Notepad, `Out-File -Encoding utf8`) is harmless: TextDecoder drops it.
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return { problem: 'the file is not valid UTF-8 text' };
  }
}

/** Parse policy file contents. Every deviation is a problem: nothing is silently ignored. */
export function parsePolicy(bytes: Uint8Array, source: string): Policy {
  const decoded = decode(bytes);
  if ('problem' in decoded) return invalid(source, [decoded.problem]);
  let json: unknown;
  try {
    json = JSON.parse(decoded.text);
  } catch (err) {
    return invalid(source, [`not valid JSON: ${err instanceof Error ? err.message : String(err)}`]);
  }
  const parsed = policyFileSchema.safeParse(json);
  if (!parsed.success) return invalid(source, describeIssues(parsed.error));
  return {
    status: 'ok',
    source,
    values: parsed.data.values ?? {},
    locked: [...new Set(parsed.data.locked ?? [])],
  };
}

export interface PolicyFileReader {
  readFileSync(path: string): Uint8Array;
}

const nodeReader: PolicyFileReader = { readFileSync: (path) => readFileSync(path) };

function errnoCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string'
    ? err.code
    : undefined;
}

/**
 * Read the policy at `path`. Only a missing file means "no policy"; a file that exists but cannot be
 * read is invalid, because an unreadable policy is still the organisation's intent.
 */
export function readPolicy(path: string, reader: PolicyFileReader = nodeReader): Policy {
  let bytes: Uint8Array;
  try {
    bytes = reader.readFileSync(path);
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ENOENT') return { status: 'none', source: null };
    if (code === 'EISDIR') return invalid(path, ['the path is a folder, not a file']);
    if (code === 'EACCES' || code === 'EPERM') {
      return invalid(path, [`the file cannot be read (${code}): give the station's users read access`]);
    }
    return invalid(path, [`the file cannot be read (${code ?? (err instanceof Error ? err.message : String(err))})`]);
  }
  return parsePolicy(bytes, path);
}
