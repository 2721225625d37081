// No zod here: the renderer's first screen (request search) normalises GUIDs without the CM schemas.

/** A GUID as the station handles it: lowercase, no braces (cm.ts's guidSchema checks the same). */
export const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export type Guid = string;

/** Accepts `{GUID}`, upper case or plain; returns the station's form, or null if it is not a GUID. */
export function normalizeGuid(value: string): Guid | null {
  const bare = value
    .trim()
    .replace(/^\{(.*)\}$/, '$1')
    .toLowerCase();
  return GUID_PATTERN.test(bare) ? bare : null;
}
