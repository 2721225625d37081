import { byteHex } from '../../shared/hex';

/**
 * LDAP search filters built from operator text and GUIDs. Every value goes through RFC 4515's
 * escaping (section 3: `*`, `(`, `)`, `\` and NUL become `\2a`, `\28`, `\29`, `\5c`, `\00`), so
 * text such as `O'Brien (contractor)*` is matched literally and can never change the filter.
 */

const SPECIAL: ReadonlySet<string> = new Set(['*', '(', ')', '\\', String.fromCharCode(0)]);

/** RFC 4515 assertion-value escaping of a UTF-8 string (non-ASCII stays as UTF-8, as allowed). */
export function escapeFilterValue(value: string): string {
  return Array.from(value, (ch) => (SPECIAL.has(ch) ? `\\${byteHex(ch.charCodeAt(0))}` : ch)).join('');
}

/** Every byte escaped: how a binary attribute value (objectGUID) is written in a filter. */
export function escapeBinaryValue(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => `\\${byteHex(b)}`).join('');
}

/** Attribute names come from machine policy, never from the operator; still, only names pass. */
export function assertAttributeName(name: string): string {
  if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(name)) throw new Error(`"${name}" is not an LDAP attribute name`);
  return name;
}

/**
 * Users whose display name, account or UPN starts with the text; with several words, every word
 * must start one of them (so "dana oka" finds Dana Okafor).
 */
export function nameSearchFilter(text: string, attributes: readonly string[], base: string): string {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const perWord = words.map((word) => {
    const value = escapeFilterValue(word);
    const either = attributes.map((a) => `(${assertAttributeName(a)}=${value}*)`).join('');
    // Names are also matched from a later word ("Okafor" in "Dana Okafor").
    return `(|${either}(${assertAttributeName(attributes[0]!)}=* ${value}*))`;
  });
  return `(&${base}${perWord.join('')})`;
}

/** Cap on one filter's alternatives: a request list never needs more names at once. */
export const MAX_GUIDS_PER_FILTER = 100;

export function guidFilter(attribute: string, values: readonly string[], base: string): string {
  const name = assertAttributeName(attribute);
  return `(&${base}(|${values.map((v) => `(${name}=${v})`).join('')}))`;
}
