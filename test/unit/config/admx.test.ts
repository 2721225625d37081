import { type Document, DOMParser, type Element } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { generateAdml, generateAdmx } from '../../../src/main/config/admx';
import { policyKeySpecs } from '../../../src/main/config';
import { readWindowsPolicy, type RegistryValue } from '../../../src/main/config/channels/windows-registry';
import { DEFAULT_SETTINGS, POLICY_ONLY_KEYS, SETTING_KEYS } from '../../../src/shared/settings';

const NS = 'http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions';

/** Parse strictly: any XML error (not well-formed) fails the test. */
function parse(text: string): Document {
  const errors: string[] = [];
  const doc = new DOMParser({
    onError: (level, message) => {
      errors.push(`${level}: ${message}`);
    },
  }).parseFromString(text, 'text/xml');
  expect(errors).toEqual([]);
  return doc;
}
const byTag = (root: Document | Element, tag: string) => Array.from(root.getElementsByTagNameNS(NS, tag));

const admx = parse(generateAdmx());
const adml = { en: parse(generateAdml('en')), fr: parse(generateAdml('fr')) };
const policies = new Map(byTag(admx, 'policy').map((p) => [p.getAttribute('name')!, p]));

describe('generated ADMX/ADML (npm run policy:admx)', () => {
  it('is well-formed XML in the Group Policy namespace', () => {
    expect(admx.documentElement!.localName).toBe('policyDefinitions');
    expect(admx.documentElement!.namespaceURI).toBe(NS);
    for (const doc of Object.values(adml)) expect(doc.documentElement!.localName).toBe('policyDefinitionResources');
  });

  it('has a machine policy for every schema key, under HKLM\\SOFTWARE\\Policies\\EnrollmentStation', () => {
    for (const key of SETTING_KEYS) {
      const policy = policies.get(key);
      expect(policy, key).toBeDefined();
      expect(policy!.getAttribute('class')).toBe('Machine');
      expect(policy!.getAttribute('key')).toBe('SOFTWARE\\Policies\\EnrollmentStation');
    }
  });

  it('offers recommended variants only for keys the operator may change', () => {
    for (const key of SETTING_KEYS) {
      const recommended = policies.get(`${key}_Recommended`);
      if ((POLICY_ONLY_KEYS as readonly string[]).includes(key)) expect(recommended, key).toBeUndefined();
      else expect(recommended?.getAttribute('key'), key).toBe('SOFTWARE\\Policies\\EnrollmentStation\\Recommended');
    }
  });

  it('writes each key with the registry type the station reads (REG_DWORD, REG_SZ, REG_MULTI_SZ) and its range', () => {
    for (const spec of policyKeySpecs()) {
      const policy = policies.get(spec.key)!;
      const element = (tag: string) => byTag(policy, tag)[0];
      switch (spec.kind) {
        case 'boolean':
          expect(policy.getAttribute('valueName')).toBe(spec.key);
          expect(byTag(byTag(policy, 'enabledValue')[0]!, 'decimal')[0]!.getAttribute('value')).toBe('1');
          expect(byTag(byTag(policy, 'disabledValue')[0]!, 'decimal')[0]!.getAttribute('value')).toBe('0');
          break;
        case 'number':
          expect(element('decimal')!.getAttribute('valueName')).toBe(spec.key);
          expect(Number(element('decimal')!.getAttribute('minValue'))).toBe(spec.min);
          expect(Number(element('decimal')!.getAttribute('maxValue'))).toBe(spec.max);
          break;
        case 'list':
        case 'map':
          expect(element('multiText')!.getAttribute('valueName')).toBe(spec.key);
          break;
        case 'enum':
          expect(byTag(element('enum')!, 'string').map((s) => s.textContent)).toEqual(spec.options);
          break;
        case 'string':
          expect(element('text')!.getAttribute('valueName')).toBe(spec.key);
          break;
      }
    }
    // Sanity on the schema-derived ranges themselves.
    expect(policyKeySpecs().find((s) => s.key === 'cmTimeoutMs')).toMatchObject({ kind: 'number', min: 1_000, max: 120_000 });
    expect(policyKeySpecs().find((s) => s.key === 'allowedAuthDomains')).toMatchObject({ kind: 'list', maxItems: 50 });
  });

  it('what the templates write, the Windows reader accepts (registry types round-trip)', () => {
    const values: RegistryValue[] = policyKeySpecs().map((spec) => {
      const tag = spec.kind === 'boolean' ? 'enabledValue' : ['decimal', 'multiText', 'enum', 'text'].find((t) => byTag(policies.get(spec.key)!, t).length)!;
      const value = (DEFAULT_SETTINGS as Record<string, unknown>)[spec.key];
      if (tag === 'enabledValue' || tag === 'decimal')
        return { name: spec.key, type: 'REG_DWORD', data: typeof value === 'boolean' ? Number(value) : (value as number) };
      if (tag === 'multiText') return { name: spec.key, type: 'REG_MULTI_SZ', data: Array.isArray(value) ? (value as string[]) : [] };
      return { name: spec.key, type: 'REG_SZ', data: String(value) };
    });
    const policy = readWindowsPolicy({ readValues: (path) => (path.endsWith('Recommended') ? null : values) });
    expect(policy.status === 'invalid' ? policy.problems : []).toEqual([]);
    expect(policy.status).toBe('ok');
  });

  it('resolves every string and presentation in English and French, with an explanation naming type and range', () => {
    const admxText = generateAdmx();
    const stringRefs = [...admxText.matchAll(/\$\(string\.([^)]+)\)/g)].map((m) => m[1]!);
    const presentationRefs = [...admxText.matchAll(/\$\(presentation\.([^)]+)\)/g)].map((m) => m[1]!);
    for (const [lang, doc] of Object.entries(adml)) {
      const strings = new Map(
        byTag(doc, 'string')
          .filter((s) => (s.parentNode as Element).localName === 'stringTable')
          .map((s) => [s.getAttribute('id')!, s.textContent ?? '']),
      );
      const presentations = new Set(byTag(doc, 'presentation').map((p) => p.getAttribute('id')));
      for (const ref of stringRefs) expect(strings.get(ref), `${lang}: ${ref}`).toBeTruthy();
      for (const ref of presentationRefs) expect(presentations.has(ref), `${lang}: ${ref}`).toBe(true);
      expect(strings.get('cmTimeoutMs_Explain')).toMatch(/REG_DWORD/);
      expect(strings.get('cmTimeoutMs_Explain')).toMatch(/1000.*120000/);
      expect(strings.get('allowedAuthDomains_Explain')).toMatch(/REG_MULTI_SZ/);
    }
    const en = byTag(adml.en, 'string').find((s) => s.getAttribute('id') === 'cmBaseUrl_Explain')!.textContent;
    const fr = byTag(adml.fr, 'string').find((s) => s.getAttribute('id') === 'cmBaseUrl_Explain')!.textContent;
    expect(fr).not.toBe(en);
    expect(fr).toMatch(/stratégie machine/);
  });
});
