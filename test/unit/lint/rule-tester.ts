import { RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import { afterAll, describe, it } from 'vitest';

// ESLint's RuleTester runs each case as a test of the host framework: give it Vitest's.
// (These static hooks exist at run time; @types/eslint does not declare all of them.)
Object.assign(RuleTester, { afterAll, describe, it, itOnly: it.only });

export function ruleTester(): RuleTester {
  return new RuleTester({ languageOptions: { parser: tseslint.parser, ecmaVersion: 2024, sourceType: 'module' } });
}
