// What never reaches the diagnostic log in full. Support reads these files and may forward them:
// card identifiers are reduced to their last four hex digits (enough to tell two cards in one
// session apart, not enough to name a card), personal names and request bodies are dropped.

/** Field names whose values are card identifiers (the physical card id, CM's SerialNumber). */
export const CARD_ID_FIELDS: ReadonlySet<string> = new Set(['cardId', 'cardid', 'serialNumber', 'SerialNumber', 'expectedCardId', 'actualCardId']);
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

/** The fields as they may be written: card ids shortened, dropped fields removed, undefined skipped. */
export function redactFields(fields: LogFields): Record<string, string | number | boolean | null> {
  const out: Record<string, string | number | boolean | null> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined || DROPPED_FIELDS.has(key)) continue;
    out[key] = CARD_ID_FIELDS.has(key) && typeof value === 'string' ? redactCardId(value) : value;
  }
  return out;
}
