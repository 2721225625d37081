import {
  DEFAULT_SETTINGS,
  SAFE_SETTINGS,
  isMachineOnlyKey,
  type PolicyChannel,
  type SettingKey,
  type SettingsUpdate,
  settingsSchema,
} from '../../shared/settings';
import { RECOMMENDED } from './policy-keys';
import { describeIssues } from './problems';

/**
 * Machine policy, whichever OS channel it came from (see read-machine-policy.ts). Every channel
 * yields the same document: setting keys at the top level are mandatory (the operator cannot
 * change them), keys under `Recommended` are defaults the operator may change. Machine-only keys
 * (POLICY_ONLY_KEYS) can only be mandatory.
 */
export type Policy =
  | { readonly status: 'none'; readonly source: null; readonly channel: null }
  | {
      readonly status: 'ok';
      readonly source: string;
      readonly channel: PolicyChannel;
      /** Recommended values overlaid with mandatory ones. */
      readonly values: SettingsUpdate;
      /** The mandatory keys. */
      readonly locked: readonly SettingKey[];
    }
  | {
      readonly status: 'invalid';
      readonly source: string;
      readonly channel: PolicyChannel;
      readonly problems: readonly string[];
    };

export const NO_POLICY: Policy = Object.freeze({ status: 'none', source: null, channel: null });

/**
 * What the station runs with while the policy is invalid or refused (every key locked, settings
 * read-only): it must not act on an organisation's intent it could not read, nor on a policy it
 * cannot trust. So no CM address and no domain for integrated Windows auth (no operator
 * credentials leave the machine), no training mode (a simulated enrollment must never be mistaken
 * for a real one), no audit export, no updates, no directory. Readers are still listed (reading a
 * card is local and harmless) so the operator sees the station is alive, next to a banner with the
 * problems. The locale is the only thing kept from the operator (see settings-service), so that
 * the banner is read in their language. Each value is its setting's `safe` in the one table.
 */
export { SAFE_SETTINGS };

export function invalidPolicy(source: string, channel: PolicyChannel, problems: readonly string[]): Policy {
  return { status: 'invalid', source, channel, problems };
}

const mandatorySchema = settingsSchema.partial();
const recommendedSchema = settingsSchema.partial();

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Validate a policy document (already turned into plain values by its channel's reader) with the
 * one settings schema. Every deviation is a problem naming the key: nothing is silently ignored.
 */
export function policyFromDocument(doc: unknown, source: string, channel: PolicyChannel): Policy {
  if (!isRecord(doc)) return invalidPolicy(source, channel, ['the policy must be a set of named values (a JSON object / plist dict)']);
  const { [RECOMMENDED]: recommendedRaw, ...mandatoryRaw } = doc;
  const problems: string[] = [];
  if (recommendedRaw !== undefined && !isRecord(recommendedRaw)) problems.push(`${RECOMMENDED}: must be a set of named values`);
  const recommendedDoc = isRecord(recommendedRaw) ? recommendedRaw : {};
  for (const key of Object.keys(recommendedDoc)) {
    if (isMachineOnlyKey(key)) problems.push(`${RECOMMENDED}.${key}: a machine-only setting cannot be a recommendation; set it at the top level`);
  }
  const mandatory = mandatorySchema.safeParse(mandatoryRaw);
  if (!mandatory.success) problems.push(...describeIssues(mandatory.error));
  const recommended = recommendedSchema.safeParse(recommendedDoc);
  if (!recommended.success) problems.push(...describeIssues(recommended.error).map((p) => `${RECOMMENDED}.${p}`));
  if (problems.length > 0 || !mandatory.success || !recommended.success) return invalidPolicy(source, channel, problems);

  const values: SettingsUpdate = { ...definedOnly(recommended.data), ...definedOnly(mandatory.data) };
  const allowed = values.trainingModeAllowed ?? DEFAULT_SETTINGS.trainingModeAllowed;
  if (!allowed && mandatory.data.trainingMode === true) {
    return invalidPolicy(source, channel, ['trainingMode: cannot be true while trainingModeAllowed is false']);
  }
  return { status: 'ok', source, channel, values, locked: Object.keys(definedOnly(mandatory.data)) as SettingKey[] };
}

function definedOnly<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Decode JSON bytes as IT tools actually write them, and say exactly what is wrong when we cannot. */
export function decodeJson(bytes: Uint8Array): { json: unknown } | { problem: string } {
  // PowerShell 5's `>` and `Out-File` write UTF-16 by default: a common way to get this wrong.
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return { problem: 'the file is UTF-16 encoded; save it as UTF-8' };
  }
  let text: string;
  try {
    // A UTF-8 byte order mark (Notepad, `Out-File -Encoding utf8`) is harmless: TextDecoder drops it.
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // The problem is returned to the caller, which reports it on the Settings screen.
    return { problem: 'the file is not valid UTF-8 text' };
  }
  try {
    return { json: JSON.parse(text) as unknown };
  } catch (err) {
    return { problem: `not valid JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/** A JSON policy document (the Linux channel and the development file). */
export function parseJsonPolicy(bytes: Uint8Array, source: string, channel: PolicyChannel): Policy {
  const decoded = decodeJson(bytes);
  if ('problem' in decoded) return invalidPolicy(source, channel, [decoded.problem]);
  return policyFromDocument(decoded.json, source, channel);
}
