// Support bundles leave the badge office (mailed to IT, attached to a ticket), so every JSON document
// in one goes through the diagnostic log's rules, applied at any depth: card identifiers keep their
// last four hex digits, people and payloads are dropped. A card identifier also hides inside
// `identifier: { kind, value }` (diagnostics, card readings): its value is shortened the same way.
// Every other string, free text included, is redacted by value (log/redact.ts `redactText`).
import { DROPPED_FIELDS, redactCardId, redactNamedText, redactText } from '../log';

export function redactDocument(value: unknown): unknown {
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map(redactDocument);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (DROPPED_FIELDS.has(key)) continue;
    // By name as in the diagnostic log (log/redact.ts), at any depth.
    if (typeof inner === 'string') out[key] = redactNamedText(key, inner);
    else if (key === 'identifier' && isIdentifier(inner)) out[key] = { ...inner, value: redactCardId(inner.value) };
    else out[key] = redactDocument(inner);
  }
  return out;
}

function isIdentifier(value: unknown): value is { kind: string; value: string } {
  return typeof value === 'object' && value !== null && 'kind' in value && 'value' in value && typeof (value as { value: unknown }).value === 'string';
}
