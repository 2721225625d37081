import { describe, expect, it } from 'vitest';
import { EXIT, exitCodeFor } from '../../../src/main/cli/exit-codes';
import { ERROR_CODES } from '../../../src/shared/errors';

describe('exit codes', () => {
  it('gives every error code one of the documented exit codes', () => {
    const documented = new Set<number>(Object.values(EXIT));
    for (const code of ERROR_CODES) expect(documented.has(exitCodeFor(code)), code).toBe(true);
  });

  it.each([
    ['BAD_REQUEST', EXIT.badInput],
    ['REQUEST_TYPE_UNCONFIRMED', EXIT.badInput],
    ['NO_CARD', EXIT.noCard],
    ['CARD_MISMATCH', EXIT.noCard],
    ['ISSUANCE_WRONG_CARD', EXIT.noCard],
    ['CM_REFUSED', EXIT.refusedByCm],
    ['ISSUANCE_BAD_CMS', EXIT.refusedByCm],
    ['ISSUANCE_NEEDS_CM', EXIT.queued],
    ['CM_OFFLINE', EXIT.failed],
    ['ISSUANCE_NEEDS_PERSON', EXIT.failed],
  ] as const)('%s exits %i', (code, exit) => {
    expect(exitCodeFor(code)).toBe(exit);
  });
});
