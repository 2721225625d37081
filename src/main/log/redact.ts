// What never reaches the diagnostic log in full. Support reads these files and may forward them:
// card identifiers are reduced to their last four hex digits (enough to tell two cards in one
// session apart, not enough to name a card), personal names and request bodies are dropped.
// By field name (below) and, since issue 18, by value in any text (redactText): a card id inside a
// CM error message, a token, a Kerberos principal or a user's home folder is cut wherever it is.

/** Field names whose values are card identifiers (the physical card id, CM's SerialNumber). */
const CARD_ID_FIELDS: ReadonlySet<string> = new Set(['cardId', 'cardid', 'serialNumber', 'SerialNumber', 'expectedCardId', 'actualCardId']);
/** Field names whose values are people or payloads: never logged, whatever a caller passes. */
export const DROPPED_FIELDS: ReadonlySet<string> = new Set([
  'user',
  'userName',
  'displayName',
  'name',
  'account',
  'upn',
  'body',
  'payload',
  'password',
  // desk issuance: the request's PFX password (issuance/runner.ts keeps it in memory only).
  'pfxPassword',
  'pfxpassword',
  'token',
  'authorization',
]);

export type LogValue = string | number | boolean | null | undefined;
export type LogFields = Readonly<Record<string, LogValue>>;

/** `…1c8e`: the last four hex digits of a card id (GUID, UID or serial, any case, any separators). */
export function redactCardId(value: string): string {
  const hex = value.replace(/[^0-9a-f]/gi, '').toLowerCase();
  return hex.length <= 4 ? '…' : `…${hex.slice(-4)}`;
}

/** The fields as they may be written: card ids shortened, dropped fields removed, undefined skipped, text redacted by value. */
export function redactFields(fields: LogFields): Record<string, string | number | boolean | null> {
  const out: Record<string, string | number | boolean | null> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined || DROPPED_FIELDS.has(key)) continue;
    out[key] = typeof value === 'string' ? redactNamedText(key, value) : value;
  }
  return out;
}

/**
 * A string under a field name, as every log and the support bundle write it: a card id keeps its last
 * 4 hex digits, an ATR is kept whole, any other text is redacted by value. (Dropped fields are the
 * caller's to leave out.)
 */
export function redactNamedText(key: string, value: string): string {
  if (KEPT_HEX_FIELDS.has(key)) return value;
  return CARD_ID_FIELDS.has(key) ? redactCardId(value) : redactText(value);
}

// --- by value -----------------------------------------------------------------------------------

/**
 * Values this process has seen and that must never be written whole: the card ids read from
 * cards or found in the outbox (a GUID-shaped PIV card id looks like any other GUID, so only a
 * learned one is known to be a card), and secrets such as the host's token. Process-wide on
 * purpose: every log, the support bundle and the OS log share what any part has learned.
 */
const known = new Map<string, string>();
/** Hard bound: a station sees tens of cards a day; a runaway caller must not grow this forever. */
const MAX_KNOWN = 10_000;
let knownPattern: RegExp | null = null;

function remember(value: string, replacement: string): void {
  if (value.length < 6 || known.has(value.toLowerCase())) return;
  if (known.size >= MAX_KNOWN) known.delete(known.keys().next().value as string);
  known.set(value.toLowerCase(), replacement);
  knownPattern = null;
}

/** A physical card id (any of its spellings: as read, hex only, GUID with dashes) is cut wherever it appears. */
export function learnCardId(value: string | null | undefined): void {
  if (!value) return;
  const replacement = redactCardId(value);
  const hex = value.replace(/[^0-9a-f]/gi, '').toLowerCase();
  remember(value, replacement);
  if (hex.length >= 8) remember(hex, replacement);
  if (hex.length === 32) remember(`${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`, replacement);
}

/** A secret (a token, a password) this process holds: replaced by its label wherever it appears. */
export function learnSecret(value: string, label: string): void {
  remember(value, `[${label}]`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Patterns, each linear (no nested quantifiers):
 * - `user@REALM` (Kerberos principals, UPNs, e-mail addresses): the user part is cut;
 * - home folders (`/home/<user>`, `/Users/<user>`, `C:\Users\<user>`, also JSON-escaped): the user is cut;
 * - runs of 16 or more hex digits (card serials, UIDs, CPLC data) keep their last 4, except SHA-256
 *   hashes (exactly 64 digits: the audit chain's heads, which auditors compare).
 */
const PRINCIPAL = /(?<![\w.+%-])[\w.+%-]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*)/g;
const HOME = /(\/home\/|\/Users\/|[A-Za-z]:(?:\\{1,2}|\/)Users(?:\\{1,2}|\/))([^\\/\s"'<>:]+)/gi;
const HEX_RUN = /(?<![0-9a-f])[0-9a-f]{16,}(?![0-9a-f])/gi;

/** Field names whose values are kept whole although they look like hex runs: an ATR names a card model, not a card. */
const KEPT_HEX_FIELDS: ReadonlySet<string> = new Set(['atr', 'atrHex']);

export function redactText(text: string): string {
  if (known.size > 0) {
    knownPattern ??= new RegExp(
      [...known.keys()]
        .sort((a, b) => b.length - a.length)
        .map(escapeRegExp)
        .join('|'),
      'gi',
    );
    text = text.replace(knownPattern, (match) => known.get(match.toLowerCase()) ?? '…');
  }
  return text
    .replace(PRINCIPAL, (_match, realm: string) => `…@${realm}`)
    .replace(HOME, (_match, prefix: string) => `${prefix}…`)
    .replace(HEX_RUN, (run) => (run.length === 64 ? run : `…${run.slice(-4).toLowerCase()}`));
}
