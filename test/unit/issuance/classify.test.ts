import { describe, expect, it } from 'vitest';
import { StationError } from '../../../src/shared/errors';
import { classifyFailure } from '../../../src/main/issuance/classify';
import { PAUSED_ISSUANCE_RESUMES_WITH } from '../../../src/shared/issuance-pauses';

describe('an issuance step that fails', () => {
  it.each(['CM_OFFLINE', 'CM_TIMEOUT', 'CM_UNAVAILABLE'] as const)('pauses until CM answers when CM is not reached (%s)', (code) => {
    const { kind, error } = classifyFailure(new StationError(code, 'no answer'));
    expect(kind).toBe('paused');
    expect(error).toMatchObject({ code: 'ISSUANCE_NEEDS_CM', details: { cause: code } });
  });

  it('needs a person when CM answered no', () => {
    expect(classifyFailure(new StationError('CM_REFUSED', 'refused')).kind).toBe('failed');
  });

  it('pauses for a pulled card', () => {
    expect(classifyFailure(new StationError('PCSC_CARD_REMOVED', 'gone'))).toMatchObject({ kind: 'paused', error: { code: 'PCSC_CARD_REMOVED' } });
  });

  it('pauses on exactly the codes of the shared table the progress screen words (PAUSED_ISSUANCE_RESUMES_WITH)', () => {
    for (const code of Object.keys(PAUSED_ISSUANCE_RESUMES_WITH) as Array<keyof typeof PAUSED_ISSUANCE_RESUMES_WITH>) {
      expect(classifyFailure(new StationError(code, 'stopped')), code).toMatchObject({ kind: 'paused', error: { code } });
    }
    for (const code of ['CM_REFUSED', 'ISSUANCE_BAD_CMS', 'PIV_ADMIN_AUTH_FAILED', 'INTERNAL'] as const) {
      expect(classifyFailure(new StationError(code, 'no')).kind, code).toBe('failed');
    }
  });
});
