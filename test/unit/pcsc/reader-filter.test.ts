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

  it('never interprets /source/flags as a regular expression: such a pattern is ignored', () => {
    const filter = createReaderFilter({ exclude: ['/hello/i'] });
    expect(filter('Windows Hello for Business 1')).toBe(true);
    expect(filter('/hello/i')).toBe(true);
  });

  it('lets exclude win over include', () => {
    const filter = createReaderFilter({ include: ['Virtual*'], exclude: ['* 01'] });
    expect(filter('Virtual PCD 00 00')).toBe(true);
    expect(filter('Virtual PCD 00 01')).toBe(false);
  });

  it('never throws, whatever reaches it (a malformed old regex, a control character)', () => {
    const filter = createReaderFilter({ include: ['/(unclosed/', 'ACS\u0000*'], exclude: ['/(/g'] });
    // Every include pattern is unusable, so none is in force: every reader shows.
    expect(filter('ACS ACR39U 0')).toBe(true);
  });

  it('is stateless: the same name matches every time (no g/y lastIndex)', () => {
    const filter = createReaderFilter({ include: ['*PCD*'] });
    expect([1, 2, 3].map(() => filter('Virtual PCD 00 00'))).toEqual([true, true, true]);
  });
});
