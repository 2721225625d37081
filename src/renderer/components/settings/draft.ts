import type { SettingKey, Settings, SettingsUpdate } from '../../../shared/settings';
import { isMachineOnlyKey, SETTING_KEYS } from '../../../shared/settings';
import { parseLines } from '../../format';

/** How each setting is edited on the form. */
export type FieldKind = 'text' | 'number' | 'list' | 'boolean' | 'locale';

export const FIELD_KINDS: Readonly<Record<SettingKey, FieldKind>> = {
  cmBaseUrl: 'text',
  cmTimeoutMs: 'number',
  allowedAuthDomains: 'list',
  readerInclude: 'list',
  readerExclude: 'list',
  trainingModeAllowed: 'boolean',
  trainingMode: 'boolean',
  outboxRetentionDays: 'number',
  auditExportFolder: 'text',
  locale: 'locale',
  updateFeedUrl: 'text',
  directoryKind: 'text',
  directoryLdapUrl: 'text',
  directoryLdapCaFile: 'text',
  directoryLdapBindDn: 'text',
  directoryLdapBindPasswordFile: 'text',
  directoryLdapBaseDn: 'text',
  directoryLdapGuidAttribute: 'text',
  directoryLdapAccountAttribute: 'text',
  directoryAccountDomain: 'text',
  directoryCacheDays: 'number',
  // Machine policy only (always managed, shown read-only): the map is shown as its JSON.
  requestTypeNumbers: 'text',
  retireReplacedCard: 'text',
  issueAtDesk: 'text',
};

/** The form's values: text for text-like fields (lists one per line), booleans for check boxes. */
export type Draft = Record<SettingKey, string | boolean>;

export function toDraft(values: Settings): Draft {
  const draft = {} as Draft;
  for (const key of SETTING_KEYS) {
    const value = values[key];
    draft[key] =
      typeof value === 'boolean' ? value
      : Array.isArray(value) ? value.join('\n')
      : typeof value === 'object' ? JSON.stringify(value)
      : String(value);
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
