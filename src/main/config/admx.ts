import { DEFAULT_SETTINGS } from '../../shared/settings';
import { POLICY_PRODUCT, POLICY_REGISTRY_KEY, type PolicyKeySpec, policyKeySpecs, RECOMMENDED } from './policy-keys';

/**
 * Group Policy templates generated from the settings schema (as VS Code generates its own), so the
 * ADMX IT imports always matches what the station reads from HKLM\SOFTWARE\Policies\EnrollmentStation.
 * `npm run policy:admx` writes them to build/policy/ (docs/deploying.md).
 */
export type AdmlLanguage = 'en' | 'fr';
export const ADML_CULTURES: Record<AdmlLanguage, string> = { en: 'en-US', fr: 'fr-FR' };

const NS = 'http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions';
const PREFIX = 'enrollmentstation';
const SUPPORTED = 'SUPPORTED_EnrollmentStation_0_1';
const CATEGORY = 'EnrollmentStation';
const CATEGORY_RECOMMENDED = 'EnrollmentStation_Recommended';

function xml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

interface PolicyVariant {
  spec: PolicyKeySpec;
  /** ADMX policy name (unique): the key, or key_Recommended. */
  name: string;
  registryKey: string;
  recommended: boolean;
}

function variants(): PolicyVariant[] {
  const specs = policyKeySpecs();
  return [
    ...specs.map((spec) => ({ spec, name: spec.key, registryKey: POLICY_REGISTRY_KEY, recommended: false })),
    // Machine-only keys are never recommendations: the operator could not change them anyway.
    ...specs
      .filter((spec) => !spec.machineOnly)
      .map((spec) => ({ spec, name: `${spec.key}_${RECOMMENDED}`, registryKey: `${POLICY_REGISTRY_KEY}\\${RECOMMENDED}`, recommended: true })),
  ];
}

function policyElements(v: PolicyVariant): string {
  const { spec, name } = v;
  switch (spec.kind) {
    case 'boolean':
      return `      <enabledValue><decimal value="1" /></enabledValue>\n      <disabledValue><decimal value="0" /></disabledValue>\n`;
    case 'number':
      return `      <elements>\n        <decimal id="${name}" valueName="${spec.key}" minValue="${spec.min ?? 0}" maxValue="${spec.max ?? 4294967295}" />\n      </elements>\n`;
    case 'list':
    case 'map':
      return `      <elements>\n        <multiText id="${name}" valueName="${spec.key}"${spec.maxItems ? ` maxStrings="${spec.maxItems}"` : ''} />\n      </elements>\n`;
    case 'enum':
      return (
        `      <elements>\n        <enum id="${name}" valueName="${spec.key}" required="true">\n` +
        (spec.options ?? [])
          .map((option) => `          <item displayName="$(string.${spec.key}_${option})"><value><string>${xml(option)}</string></value></item>\n`)
          .join('') +
        `        </enum>\n      </elements>\n`
      );
    case 'string':
      return `      <elements>\n        <text id="${name}" valueName="${spec.key}" maxLength="1023" />\n      </elements>\n`;
  }
}

export function generateAdmx(): string {
  const policies = variants()
    .map((v) => {
      const valueName = v.spec.kind === 'boolean' ? ` valueName="${v.spec.key}"` : '';
      const presentation = v.spec.kind === 'boolean' ? '' : ` presentation="$(presentation.${v.name})"`;
      return (
        `    <policy name="${v.name}" class="Machine" displayName="$(string.${v.spec.key})" explainText="$(string.${v.name}_Explain)"${presentation} key="${v.registryKey}"${valueName}>\n` +
        `      <parentCategory ref="${v.recommended ? CATEGORY_RECOMMENDED : CATEGORY}" />\n` +
        `      <supportedOn ref="${SUPPORTED}" />\n` +
        policyElements(v) +
        `    </policy>\n`
      );
    })
    .join('');
  return (
    `<?xml version="1.0" encoding="utf-8"?>\n` +
    `<!-- Generated from src/shared/settings.ts by npm run policy:admx. Do not edit. -->\n` +
    `<policyDefinitions xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" revision="1.0" schemaVersion="1.0" xmlns="${NS}">\n` +
    `  <policyNamespaces>\n    <target prefix="${PREFIX}" namespace="${POLICY_PRODUCT}.Policies" />\n  </policyNamespaces>\n` +
    `  <resources minRequiredRevision="1.0" />\n` +
    `  <supportedOn>\n    <definitions>\n      <definition name="${SUPPORTED}" displayName="$(string.${SUPPORTED})" />\n    </definitions>\n  </supportedOn>\n` +
    `  <categories>\n    <category name="${CATEGORY}" displayName="$(string.${CATEGORY})" />\n` +
    `    <category name="${CATEGORY_RECOMMENDED}" displayName="$(string.${CATEGORY_RECOMMENDED})" />\n  </categories>\n` +
    `  <policies>\n${policies}  </policies>\n` +
    `</policyDefinitions>\n`
  );
}

const REG_TYPE: Record<PolicyKeySpec['kind'], string> = {
  string: 'REG_SZ',
  enum: 'REG_SZ',
  number: 'REG_DWORD',
  boolean: 'REG_DWORD',
  list: 'REG_MULTI_SZ',
  map: 'REG_MULTI_SZ',
};

const WORDS = {
  en: {
    category: 'Enrollment Station',
    recommended: 'Enrollment Station - Recommended (operators may change)',
    supported: 'Enrollment Station 0.1 and later',
    description: 'Machine policy for Enrollment Station, read from HKLM\\SOFTWARE\\Policies\\EnrollmentStation.',
    registry: 'Registry value:',
    range: (min: number, max: number) => `Range: ${min} to ${max}.`,
    options: (o: string) => `Values: ${o}.`,
    maxItems: (n: number) => `At most ${n} entries.`,
    boolean: 'Enabled: 1, disabled: 0.',
    machineOnly: 'Machine-only: operators cannot change it on the station.',
    recommendedNote: 'Recommended value: the operator may change it on the station.',
    notConfigured: (d: string) => `Not configured: ${d}.`,
    defaultEmpty: 'empty',
  },
  fr: {
    category: 'Enrollment Station',
    recommended: 'Enrollment Station - Recommandé (modifiable par les opérateurs)',
    supported: 'Enrollment Station 0.1 et suivantes',
    description: "Stratégie machine d'Enrollment Station, lue dans HKLM\\SOFTWARE\\Policies\\EnrollmentStation.",
    registry: 'Valeur de registre :',
    range: (min: number, max: number) => `Plage : de ${min} à ${max}.`,
    options: (o: string) => `Valeurs : ${o}.`,
    maxItems: (n: number) => `${n} entrées au plus.`,
    boolean: 'Activé : 1, désactivé : 0.',
    machineOnly: 'Réservé à la machine : les opérateurs ne peuvent pas le modifier sur le poste.',
    recommendedNote: "Valeur recommandée : l'opérateur peut la modifier sur le poste.",
    notConfigured: (d: string) => `Non configuré : ${d}.`,
    defaultEmpty: 'vide',
  },
} as const;

function defaultText(spec: PolicyKeySpec, lang: AdmlLanguage): string {
  const value = (DEFAULT_SETTINGS as Record<string, unknown>)[spec.key];
  if (value === undefined) return WORDS[lang].defaultEmpty;
  if (Array.isArray(value)) return value.length ? value.join(', ') : WORDS[lang].defaultEmpty;
  if (typeof value === 'object' && value !== null) return Object.keys(value).length ? JSON.stringify(value) : WORDS[lang].defaultEmpty;
  return value === '' ? WORDS[lang].defaultEmpty : String(value);
}

/** The explanation IT reads in the editor: what it does, its registry value and type, its range. */
function explain(v: PolicyVariant, lang: AdmlLanguage): string {
  const w = WORDS[lang];
  const { spec } = v;
  const lines = [
    spec.text[lang].explain,
    '',
    `${w.registry} HKLM\\${v.registryKey}\\${spec.key} (${REG_TYPE[spec.kind]}).`,
    spec.kind === 'number' && spec.min !== undefined && spec.max !== undefined ? w.range(spec.min, spec.max) : null,
    spec.kind === 'enum' && spec.options ? w.options(spec.options.join(', ')) : null,
    spec.kind === 'boolean' ? w.boolean : null,
    spec.maxItems !== undefined ? w.maxItems(spec.maxItems) : null,
    spec.machineOnly ? w.machineOnly : null,
    v.recommended ? w.recommendedNote : null,
    w.notConfigured(defaultText(spec, lang)),
  ];
  return lines.filter((line) => line !== null).join('\n');
}

function presentation(v: PolicyVariant, lang: AdmlLanguage): string | null {
  const label = xml(v.spec.text[lang].label);
  switch (v.spec.kind) {
    case 'boolean':
      return null;
    case 'number': {
      const d = (DEFAULT_SETTINGS as Record<string, unknown>)[v.spec.key];
      return `      <presentation id="${v.name}"><decimalTextBox refId="${v.name}"${typeof d === 'number' ? ` defaultValue="${d}"` : ''}>${label}</decimalTextBox></presentation>\n`;
    }
    case 'list':
    case 'map':
      return `      <presentation id="${v.name}"><multiTextBox refId="${v.name}">${label}</multiTextBox></presentation>\n`;
    case 'enum':
      return `      <presentation id="${v.name}"><dropdownList refId="${v.name}" noSort="true" defaultItem="0">${label}</dropdownList></presentation>\n`;
    case 'string':
      return `      <presentation id="${v.name}"><textBox refId="${v.name}"><label>${label}</label></textBox></presentation>\n`;
  }
}

export function generateAdml(lang: AdmlLanguage): string {
  const w = WORDS[lang];
  const all = variants();
  const strings: Array<[string, string]> = [
    [CATEGORY, w.category],
    [CATEGORY_RECOMMENDED, w.recommended],
    [SUPPORTED, w.supported],
    ...policyKeySpecs().flatMap((spec): Array<[string, string]> => [
      [spec.key, spec.text[lang].label],
      ...(spec.kind === 'enum' ? (spec.options ?? []).map((o): [string, string] => [`${spec.key}_${o}`, o]) : []),
    ]),
    ...all.map((v): [string, string] => [`${v.name}_Explain`, explain(v, lang)]),
  ];
  return (
    `<?xml version="1.0" encoding="utf-8"?>\n` +
    `<!-- Generated from src/shared/settings.ts by npm run policy:admx. Do not edit. -->\n` +
    `<policyDefinitionResources xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" revision="1.0" schemaVersion="1.0" xmlns="${NS}">\n` +
    `  <displayName>${xml(w.category)}</displayName>\n  <description>${xml(w.description)}</description>\n` +
    `  <resources>\n    <stringTable>\n` +
    strings.map(([id, text]) => `      <string id="${id}">${xml(text)}</string>\n`).join('') +
    `    </stringTable>\n    <presentationTable>\n` +
    all.map((v) => presentation(v, lang) ?? '').join('') +
    `    </presentationTable>\n  </resources>\n</policyDefinitionResources>\n`
  );
}
