import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DOCS_TABLE_END, DOCS_TABLE_START, policyKeySpecs, settingsDocsTable } from '../../../src/main/config/policy-keys';
import {
  APPLIED_AT_RESTART,
  DEFAULT_SETTINGS,
  FIELD_KINDS,
  POLICY_ONLY_KEYS,
  SAFE_SETTINGS,
  SETTING_DEFINITIONS,
  SETTING_KEYS,
  settingLabel,
  settingsSchema,
  userSettingsSchema,
} from '../../../src/shared/settings';

describe('one definition per setting', () => {
  it('derives the defaults, and they satisfy the schema', () => {
    expect(settingsSchema.parse(DEFAULT_SETTINGS)).toEqual(DEFAULT_SETTINGS);
    for (const key of SETTING_KEYS) expect(DEFAULT_SETTINGS[key]).toEqual(SETTING_DEFINITIONS[key].default);
  });

  it('derives the safe state: nothing leaves the machine and no simulation under an unreadable policy', () => {
    expect(settingsSchema.parse(SAFE_SETTINGS)).toEqual(SAFE_SETTINGS);
    expect(SAFE_SETTINGS).toMatchObject({
      cmBaseUrl: '',
      allowedAuthDomains: [],
      trainingModeAllowed: false,
      trainingMode: false,
      updateFeedUrl: '',
      directoryKind: 'none',
    });
    // A setting without a `safe` value keeps its default there.
    expect(SAFE_SETTINGS.cmTimeoutMs).toBe(DEFAULT_SETTINGS.cmTimeoutMs);
  });

  it('derives the machine-only list, and the user schema refuses those keys', () => {
    expect([...POLICY_ONLY_KEYS].sort()).toEqual(SETTING_KEYS.filter((key) => SETTING_DEFINITIONS[key].machineOnly).sort());
    expect(POLICY_ONLY_KEYS).toContain('cmBaseUrl');
    expect(userSettingsSchema.safeParse({ cmBaseUrl: 'https://cm.contoso.com/' }).success).toBe(false);
    expect(userSettingsSchema.safeParse({ cmTimeoutMs: 20_000 }).success).toBe(true);
  });

  it('derives the restart list and the form fields', () => {
    expect([...APPLIED_AT_RESTART].sort()).toEqual([
      'allowedAuthDomains',
      'allowedChromiumSwitches',
      'cmBaseUrl',
      'cmTimeoutMs',
      'outboxRetentionDays',
      'trainingMode',
    ]);
    expect(FIELD_KINDS.readerExclude).toBe('list');
    expect(FIELD_KINDS.locale).toBe('locale');
  });

  it('labels each setting in both languages (English for any other)', () => {
    expect(settingLabel('cmTimeoutMs', 'fr')).toBe('Délai d’attente de CM (millisecondes)');
    expect(settingLabel('cmTimeoutMs', 'de')).toBe('CM timeout (milliseconds)');
  });

  it('describes each key to IT from its schema through zod’s public JSON Schema', () => {
    const specs = new Map(policyKeySpecs().map((spec) => [spec.key, spec]));
    expect(specs.get('cmTimeoutMs')).toMatchObject({ kind: 'number', min: 1_000, max: 120_000, machineOnly: false });
    expect(specs.get('readerExclude')).toMatchObject({ kind: 'list', maxItems: 50 });
    expect(specs.get('retireReplacedCard')).toMatchObject({ kind: 'enum', options: ['when-new-card-active', 'after-bind', 'never'], machineOnly: true });
    expect(specs.get('requestTypeNumbers')?.kind).toBe('map');
    expect(specs.get('cmBaseUrl')?.kind).toBe('string');
  });

  it('keeps the docs’ settings table exactly as generated (npm run policy:admx rewrites it)', () => {
    const docs = readFileSync(join(import.meta.dirname, '..', '..', '..', 'docs', 'deploying.md'), 'utf8');
    const start = docs.indexOf(DOCS_TABLE_START);
    const end = docs.indexOf(DOCS_TABLE_END);
    expect(start).toBeGreaterThan(0);
    expect(docs.slice(start + DOCS_TABLE_START.length, end).trim()).toBe(settingsDocsTable(DEFAULT_SETTINGS));
    for (const key of SETTING_KEYS) expect(docs.slice(start, end)).toContain(`| \`${key}\` |`);
  });
});
