import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, isReaderShown, readerPatternMatches, settingsSchema, settingsUpdateSchema, userSettingsSchema } from '../../../src/shared/settings';

describe('settings schema', () => {
  it('accepts its own defaults', () => {
    expect(settingsSchema.parse(DEFAULT_SETTINGS)).toEqual(DEFAULT_SETTINGS);
  });

  it('accepts https CM URLs only, without credentials, query or fragment, and ends them with /', () => {
    const url = (cmBaseUrl: string) => settingsUpdateSchema.safeParse({ cmBaseUrl });
    expect(url('https://cm.contoso.com/CertificateManagement/api/v1.0').data).toEqual({
      cmBaseUrl: 'https://cm.contoso.com/CertificateManagement/api/v1.0/',
    });
    expect(url('').data).toEqual({ cmBaseUrl: '' });
    for (const bad of ['cm.contoso.com', 'http://cm.contoso.com/', 'https://u:p@cm.contoso.com/', 'https://cm/?a=1', 'https://cm/#x']) {
      expect(url(bad).success, bad).toBe(false);
    }
  });

  it('takes auth domains as hosts or *.suffix, lower-cased, never a bare wildcard', () => {
    const domains = (allowedAuthDomains: unknown) => settingsUpdateSchema.safeParse({ allowedAuthDomains });
    expect(domains(['CM.Contoso.com', '*.corp.contoso.com']).data).toEqual({
      allowedAuthDomains: ['cm.contoso.com', '*.corp.contoso.com'],
    });
    for (const bad of ['*', '*contoso.com', 'https://cm.contoso.com', 'cm.contoso.com/', '-x.com', '']) {
      expect(domains([bad]).success, bad).toBe(false);
    }
  });

  it('takes absolute Windows, UNC and POSIX folders for audit export', () => {
    for (const good of ['', 'C:\\Audit', 'd:/exports', '\\\\fileserver\\audit', '/srv/audit']) {
      expect(settingsUpdateSchema.safeParse({ auditExportFolder: good }).success, good).toBe(true);
    }
    for (const bad of ['audit', '.\\audit', 'C:audit', '\\\\server']) {
      expect(settingsUpdateSchema.safeParse({ auditExportFolder: bad }).success, bad).toBe(false);
    }
  });

  it('keeps policy-only keys out of what the operator may save', () => {
    expect(userSettingsSchema.safeParse({ updateFeedUrl: '' }).success).toBe(false);
    expect(userSettingsSchema.safeParse({ trainingModeAllowed: true }).success).toBe(false);
    expect(userSettingsSchema.safeParse({ trainingMode: true }).success).toBe(true);
  });
});

describe('reader patterns', () => {
  it('matches * and ? over the whole name, case-insensitively, everything else literally', () => {
    expect(readerPatternMatches('*Windows Hello*', 'Microsoft Windows Hello for Business 1')).toBe(true);
    expect(readerPatternMatches('*windows hello*', 'Microsoft Windows Hello for Business 1')).toBe(true);
    expect(readerPatternMatches('Windows Hello', 'Microsoft Windows Hello for Business 1')).toBe(false);
    expect(readerPatternMatches('ACS ACR39U ICC Reader ?', 'ACS ACR39U ICC Reader 0')).toBe(true);
    expect(readerPatternMatches('ACS ACR39U ICC Reader ?', 'ACS ACR39U ICC Reader 10')).toBe(false);
    expect(readerPatternMatches('Reader (1) [x]', 'Reader (1) [x]')).toBe(true);
    expect(readerPatternMatches('Reader.1', 'ReaderX1')).toBe(false);
  });

  it('shows a reader that is included (all, when the list is empty) and not excluded', () => {
    const filter = { readerInclude: [], readerExclude: ['*Windows Hello*'] };
    expect(isReaderShown('Identiv uTrust 3700 F 0', filter)).toBe(true);
    expect(isReaderShown('Windows Hello for Business 1', filter)).toBe(false);
    const only = { readerInclude: ['Identiv*'], readerExclude: ['*3700 F 1'] };
    expect(isReaderShown('Identiv uTrust 3700 F 0', only)).toBe(true);
    expect(isReaderShown('Identiv uTrust 3700 F 1', only)).toBe(false);
    expect(isReaderShown('ACS ACR39U 0', only)).toBe(false);
  });

  it('refuses reader patterns that are not globs, naming the exact problem and the entry', () => {
    const result = settingsUpdateSchema.safeParse({ readerExclude: ['*Hello*', '/(unclosed/'] });
    expect(result.success).toBe(false);
    const issue = result.error?.issues[0];
    expect(issue?.path).toEqual(['readerExclude', 1]);
    expect(issue?.message).toMatch(/looks like a regular expression; reader patterns are globs only/);
    for (const bad of ['/hello/i', '/x/gy', '', 'A\u0007B', 'x'.repeat(201)]) {
      expect(settingsUpdateSchema.safeParse({ readerInclude: [bad] }).success, bad).toBe(false);
    }
    for (const good of ['*Windows Hello*', 'ACS (1) [x]+.', '/dev/ttyS0 reader', '/dev/pcsc', 'a/b/']) {
      expect(settingsUpdateSchema.safeParse({ readerInclude: [good] }).success, good).toBe(true);
    }
  });
});
