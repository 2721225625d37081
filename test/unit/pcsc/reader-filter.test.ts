import { describe, expect, it } from 'vitest';
import { createReaderFilter } from '../../../src/main/pcsc/reader-filter';

describe('createReaderFilter', () => {
  it('shows everything without patterns', () => {
    expect(createReaderFilter()('Any Reader 00 00')).toBe(true);
  });

  it('matches globs against the whole name, case-insensitively', () => {
    const filter = createReaderFilter({ include: ['*yubikey*', 'Virtual PCD 00 0?'] });
    expect(filter('Yubico YubiKey OTP+FIDO+CCID 00 00')).toBe(true);
    expect(filter('Virtual PCD 00 01')).toBe(true);
    expect(filter('Virtual PCD 00 010')).toBe(false);
    expect(filter('Gemalto PC Twin Reader')).toBe(false);
  });

  it('treats regex metacharacters in globs literally', () => {
    const filter = createReaderFilter({ include: ['ACS (1) [x]+.'] });
    expect(filter('ACS (1) [x]+.')).toBe(true);
    expect(filter('ACS 1 xx')).toBe(false);
  });

  it('takes /source/flags as a regular expression, unanchored', () => {
    const filter = createReaderFilter({ exclude: ['/hello/i'] });
    expect(filter('Windows Hello for Business 1')).toBe(false);
    expect(filter('Virtual PCD 00 00')).toBe(true);
  });

  it('lets exclude win over include', () => {
    const filter = createReaderFilter({ include: ['Virtual*'], exclude: ['* 01'] });
    expect(filter('Virtual PCD 00 00')).toBe(true);
    expect(filter('Virtual PCD 00 01')).toBe(false);
  });

  it('rejects a malformed regular expression with SETTINGS_INVALID', () => {
    expect(() => createReaderFilter({ include: ['/(/'] })).toThrow(expect.objectContaining({ code: 'SETTINGS_INVALID' }));
  });
});
