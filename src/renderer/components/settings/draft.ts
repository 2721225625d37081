import type { SettingKey, Settings, SettingsUpdate } from '../../../shared/settings';
import { FIELD_KINDS, isMachineOnlyKey, SETTING_KEYS } from '../../../shared/settings';
import { parseLines } from '../../format';

/** The form's values: text for text-like fields (lists one per line), booleans for check boxes. */
export type Draft = Record<SettingKey, string | boolean>;

export function toDraft(values: Settings): Draft {
  const draft = {} as Draft;
  for (const key of SETTING_KEYS) {
    const value = values[key];
    draft[key] =
      typeof value === 'boolean' ? value : Array.isArray(value) ? value.join('\n') : typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  return draft;
}

export interface DraftChanges {
  /** Only the keys the operator changed, and only those they may change. */
  update: SettingsUpdate;
  /** Fields whose text is not a whole number. */
  invalid: SettingKey[];
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

/** What to send: the changed, unmanaged settings, typed; the station validates the values. */
export function draftChanges(draft: Draft, values: Settings, managed: Partial<Record<SettingKey, boolean>>): DraftChanges {
  const update: Record<string, unknown> = {};
  const invalid: SettingKey[] = [];
  for (const key of SETTING_KEYS) {
    // Policy-only keys are never the operator's, whatever the view says.
    if (managed[key] || isMachineOnlyKey(key)) continue;
    const edited = draft[key];
    const current = values[key];
    switch (FIELD_KINDS[key]) {
      case 'boolean':
        if (edited !== current) update[key] = edited;
        break;
      case 'number': {
        const text = String(edited).trim();
        if (!/^-?\d+$/.test(text)) {
          invalid.push(key);
          break;
        }
        if (Number(text) !== current) update[key] = Number(text);
        break;
      }
      case 'list': {
        const list = parseLines(String(edited));
        if (!sameList(list, current as string[])) update[key] = list;
        break;
      }
      default:
        if (String(edited) !== current) update[key] = String(edited);
    }
  }
  return { update: update as SettingsUpdate, invalid };
}
