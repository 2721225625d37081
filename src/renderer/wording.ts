import type { TFunction } from 'i18next';
import type { AtrFacts } from '../shared/enrollment';
import type { ErrorCode, ErrorParams } from '../shared/errors';
import { en } from './i18n/en';

/**
 * Everything the main process reports in words is worded here, in the operator's language: error
 * codes (with their params), connection reasons, ATR facts and settings/policy problems. The
 * station's English texts stay in logs, the CLI and the audit log; the screens never show them.
 */

function hasMessage(code: string): code is keyof typeof en.errors.message {
  return Object.hasOwn(en.errors.message, code);
}

/** An error code in words; a code this renderer does not know yet reads as the generic one. */
export function errorText(t: TFunction, code: ErrorCode | string, params: ErrorParams = {}): string {
  // A person is needed for a reason the station knows exactly: say that reason, not the generic text.
  const reason = params['reason'];
  if (code === 'ISSUANCE_NEEDS_PERSON' && typeof reason === 'string' && Object.hasOwn(en.errors.needsPersonReason, reason)) {
    return t(`errors.needsPersonReason.${reason}`, params);
  }
  return t(`errors.message.${hasMessage(code) ? code : 'INTERNAL'}`, params);
}

export function connectionReasonText(t: TFunction, reason: string): string {
  return reason === 'unreachable' || reason === 'timeout' || reason === 'unavailable' ? t(`reasons.connection.${reason}`) : t('reasons.connection.unknown');
}

export function atrFactsText(t: TFunction, facts: AtrFacts): string {
  if (facts.invalid) return t('atrFacts.invalid');
  const parts: string[] = [];
  if (facts.protocols.length > 0) parts.push(t('atrFacts.protocols', { list: facts.protocols.map((p) => `T=${p}`).join(', ') }));
  if (facts.inverse) parts.push(t('atrFacts.inverse'));
  // A card's name (e.g. "MIFARE Classic 1K") is a product name: it is the same in every language.
  if (facts.contactless) parts.push(t('atrFacts.contactless', { name: facts.contactless }));
  if (facts.tckWrong) parts.push(t('atrFacts.tckWrong'));
  return parts.join(' · ');
}

type ProblemKey = Exclude<keyof typeof en.problems, 'types'>;
type Rule = { pattern: RegExp; key: ProblemKey; params?: (m: RegExpExecArray, t: TFunction) => Record<string, string> };

const typeName = (t: TFunction, type: string) => (Object.hasOwn(en.problems.types, type) ? t(`problems.types.${type}`) : type);

/**
 * The station's problem texts (src/shared/settings.ts, config/policy.ts, config/problems.ts and
 * zod's own) matched to their wording. Values quoted from the file ("got …") are dropped: the
 * operator sees the key, IT sees the file.
 */
const RULES: readonly Rule[] = [
  { pattern: /^unknown key$/, key: 'unknownKey' },
  { pattern: /^"(.*)" is not a setting \(known: .*\)$/, key: 'notASetting', params: (m) => ({ value: m[1]! }) },
  { pattern: /^must be an absolute https:\/\/ URL$/, key: 'httpsAbsolute' },
  { pattern: /^must use https:\/\/$/, key: 'httpsOnly' },
  { pattern: /^must not contain a user name or password$/, key: 'noCredentials' },
  { pattern: /^must not contain a query or fragment$/, key: 'noQuery' },
  { pattern: /^must be a host name such as /, key: 'hostPattern' },
  { pattern: /^must not be empty$/, key: 'notEmpty' },
  { pattern: /^"(.*)" looks like a regular expression; reader patterns are globs only/, key: 'regexPattern', params: (m) => ({ value: m[1]! }) },
  { pattern: /^must not contain control characters$/, key: 'controlCharacters' },
  { pattern: /^is too long$/, key: 'tooLong' },
  { pattern: /^must be an absolute folder path \(or empty\)$/, key: 'absolutePath' },
  { pattern: /^cannot be true while trainingModeAllowed is false$/, key: 'trainingNotAllowed' },
  { pattern: /^must be ldaps:\/\/host/, key: 'ldapUrl' },
  { pattern: /^must be an LDAP attribute name$/, key: 'attributeName' },
  { pattern: /^Invalid input: expected (\w+)/, key: 'wrongType', params: (m, t) => ({ expected: typeName(t, m[1]!) }) },
  { pattern: /^Too small: expected \w+ to (?:be|have) >=?\s*(\d+)/, key: 'tooSmall', params: (m) => ({ min: m[1]! }) },
  { pattern: /^Too big: expected \w+ to (?:be|have) <=?\s*(\d+)/, key: 'tooBig', params: (m) => ({ max: m[1]! }) },
  { pattern: /^Invalid option: expected one of (.*)$/, key: 'invalidOption', params: (m) => ({ options: m[1]!.replace(/"/g, '').split('|').join(', ') }) },
  { pattern: /^the file is UTF-16 encoded/, key: 'utf16' },
  { pattern: /^the file is not valid UTF-8 text$/, key: 'notUtf8' },
  { pattern: /^not valid JSON: /, key: 'notJson' },
  { pattern: /^the path is a folder, not a file$/, key: 'isFolder' },
  { pattern: /^the file cannot be read \(([\w-]+)\)/, key: 'unreadable', params: (m) => ({ code: m[1]! }) },
  { pattern: /^the file was kept aside as (.*); defaults apply$/, key: 'keptAside', params: (m) => ({ path: m[1]! }) },
  // Machine policy documents and the OS channels that carry them (src/main/config/policy.ts, channels/).
  { pattern: /^the policy must be a set of named values/, key: 'notADocument' },
  { pattern: /^must be a set of named values$/, key: 'notAGroup' },
  { pattern: /^a machine-only setting cannot be a recommendation/, key: 'machineOnlyRecommended' },
  { pattern: /^the (?:folder|file) (.+) is owned by uid (\d+), not by root/, key: 'notRootOwned', params: (m) => ({ path: m[1]!, uid: m[2]! }) },
  { pattern: /^the (?:folder|file) (.+) is writable by group or others \(mode (\d+)\)/, key: 'groupWritable', params: (m) => ({ path: m[1]!, mode: m[2]! }) },
  { pattern: /^(.+) is a symbolic link; put the policy file itself there$/, key: 'symlink', params: (m) => ({ path: m[1]! }) },
  { pattern: /^(.+) is not a regular file$/, key: 'notRegularFile', params: (m) => ({ path: m[1]! }) },
  { pattern: /^the folder (.+) is not a real folder/, key: 'notRealFolder', params: (m) => ({ path: m[1]! }) },
  { pattern: /^(?:the folder )?(.+) cannot be examined \(([\w-]+)\)$/, key: 'cannotExamine', params: (m) => ({ path: m[1]!, code: m[2]! }) },
  { pattern: /^(.+) cannot be read \(([\w-]+)\)/, key: 'pathUnreadable', params: (m) => ({ path: m[1]!, code: m[2]! }) },
  { pattern: /^not a property list: /, key: 'notPlist' },
  { pattern: /^the registry key cannot be read: /, key: 'registryUnreadable' },
  { pattern: /^(REG_\w+) given, (.+) expected$/, key: 'registryWrongType', params: (m) => ({ given: m[1]!, expected: m[2]! }) },
  { pattern: /^(.+) given, 0 or 1 expected$/, key: 'registryNotBoolean', params: (m) => ({ given: m[1]! }) },
  { pattern: /^"(.*)" is not a "number=Name" line$/, key: 'registryNotMapLine', params: (m) => ({ line: m[1]! }) },
  { pattern: /^unknown value \(known: .*\)$/, key: 'unknownValue' },
];

/** A problem line's wording, or null when no rule knows it (the coverage test keeps that at zero). */
export function problemKey(line: string): { where: string | null; key: ProblemKey; match: RegExpExecArray; rule: Rule } | null {
  // "values.cmBaseUrl[0]: message": the path names a key of the file (never translated).
  const split = /^((?:[A-Za-z_$][\w$]*|\[\d+\])(?:\.[A-Za-z_$][\w$]*|\[\d+\])*): (.*)$/s.exec(line);
  const where = split ? split[1]! : null;
  const text = (split ? split[2]! : line).replace(/\s*\(got ".*"\)$/s, '');
  for (const rule of RULES) {
    const match = rule.pattern.exec(text);
    if (match) return { where, key: rule.key, match, rule };
  }
  return null;
}

export function problemText(t: TFunction, line: string): string {
  const known = problemKey(line);
  const where = known?.where ?? /^([\w.[\]]+): /.exec(line)?.[1] ?? null;
  const words = known ? t(`problems.${known.key}`, known.rule.params?.(known.match, t) ?? {}) : t('problems.invalid');
  return where ? `${where}: ${words}` : words;
}

type CmWordGroup = 'requestStatus' | 'smartcardStatus' | 'requestType';

/**
 * CM's enum values (request status and type, smart card status) in the operator's language; a
 * value the station has no name for (`Unknown(n)`) shows its raw value.
 */
export function cmWord(t: TFunction, group: CmWordGroup, value: string): string {
  if (Object.hasOwn(en.cmWords[group], value)) return t(`cmWords.${group}.${value}`);
  const raw = /^Unknown\((.*)\)$/.exec(value)?.[1] ?? value;
  return t('cmWords.unknown', { value: raw });
}
