// npm run policy:admx -> build/policy/EnrollmentStation.admx and <culture>/EnrollmentStation.adml,
// generated from the settings schema (src/main/config/admx.ts). The output is generated, so it is
// not committed (.gitignore); docs/deploying.md says how IT uses it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ADML_CULTURES, type AdmlLanguage, generateAdml, generateAdmx } from '../src/main/config/admx';

const out = join(process.cwd(), 'build', 'policy');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'EnrollmentStation.admx'), generateAdmx());
for (const [lang, culture] of Object.entries(ADML_CULTURES) as Array<[AdmlLanguage, string]>) {
  mkdirSync(join(out, culture), { recursive: true });
  writeFileSync(join(out, culture, 'EnrollmentStation.adml'), generateAdml(lang));
}
console.log(`policy:admx: wrote ${out}`);
