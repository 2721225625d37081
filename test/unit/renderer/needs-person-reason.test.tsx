import i18next from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyLocale, initI18n } from '../../../src/renderer/i18n';
import { errorText } from '../../../src/renderer/wording';

beforeAll(() => initI18n());

describe('ISSUANCE_NEEDS_PERSON with a reason the station knows', () => {
  it('says that reason (a lost PFX password, key history) in English and French; an unknown reason reads as the generic text', async () => {
    const t = i18next.t.bind(i18next);
    expect(errorText(t, 'ISSUANCE_NEEDS_PERSON', { reason: 'pfx-password-lost' })).toMatch(/password was kept in memory only, on purpose/);
    expect(errorText(t, 'ISSUANCE_NEEDS_PERSON', { reason: 'key-history-without-key' })).toMatch(/archived\) certificate of this person without its key/);
    expect(errorText(t, 'ISSUANCE_NEEDS_PERSON', { reason: 'key-history-full' })).toMatch(/20 retired key slots/);
    const generic = errorText(t, 'ISSUANCE_NEEDS_PERSON', {});
    expect(errorText(t, 'ISSUANCE_NEEDS_PERSON', { reason: 'something else' })).toBe(generic);
    // The reason param of another code changes nothing.
    expect(errorText(t, 'ISSUANCE_BAD_PFX', { reason: 'pfx-password-lost' })).toMatch(/cannot be opened/);
    await applyLocale('fr');
    try {
      expect(errorText(t, 'ISSUANCE_NEEDS_PERSON', { reason: 'pfx-password-lost' })).toMatch(/gardé qu’en mémoire, volontairement/);
      expect(errorText(t, 'ISSUANCE_NEEDS_PERSON', { reason: 'key-history-without-key' })).toMatch(/sans sa clé/);
    } finally {
      await applyLocale('en');
    }
  });
});
