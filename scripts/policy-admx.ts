// npm run policy:admx -> build/policy/EnrollmentStation.admx and <culture>/EnrollmentStation.adml,
// generated from the one settings table (src/shared/setting-definitions.ts). The output is
// generated, so it is not committed (.gitignore); docs/deploying.md says how IT uses it. It also
// rewrites the settings table in docs/deploying.md (between its markers) from the same table.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ADML_CULTURES, type AdmlLanguage, generateAdml, generateAdmx } from '../src/main/config/admx';
import { DOCS_TABLE_END, DOCS_TABLE_START, settingsDocsTable } from '../src/main/config/policy-keys';
import { DEFAULT_SETTINGS } from '../src/shared/settings';

const out = join(process.cwd(), 'build', 'policy');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'EnrollmentStation.admx'), generateAdmx());
for (const [lang, culture] of Object.entries(ADML_CULTURES) as Array<[AdmlLanguage, string]>) {
  mkdirSync(join(out, culture), { recursive: true });
  writeFileSync(join(out, culture, 'EnrollmentStation.adml'), generateAdml(lang));
}
console.log(`policy:admx: wrote ${out}`);

const docs = join(process.cwd(), 'docs', 'deploying.md');
const text = readFileSync(docs, 'utf8');
const start = text.indexOf(DOCS_TABLE_START);
const end = text.indexOf(DOCS_TABLE_END);
if (start < 0 || end < start) throw new Error(`docs/deploying.md has no settings-table markers`);
writeFileSync(docs, `${text.slice(0, start + DOCS_TABLE_START.length)}\n${settingsDocsTable(DEFAULT_SETTINGS)}\n${text.slice(end)}`);
console.log('policy:admx: rewrote the settings table in docs/deploying.md');
