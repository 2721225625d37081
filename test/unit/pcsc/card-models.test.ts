import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCardModelMatcher } from '../../../src/main/pcsc/card-models/index';
import { BUNDLED_CARD_PATTERNS } from '../../../src/main/pcsc/card-models/bundled';
import { StationError } from '../../../src/shared/errors';

const CM_DOCS_EXAMPLE = '3b8d0180fba000000397425446590301c8';
const YUBIKEY_5 = '3bfd1300008131fe158073c021c057597562694b657940';
const BELGIAN_EID = '3B 98 13 40 0A A5 03 01 01 01 AD 13 11';
const MIFARE_1K = '3B 8F 80 01 80 4F 0C A0 00 00 03 06 03 00 01 00 00 00 00 6A';

// Our own miniature of the smartcard_list.txt format: regex line, tab-indented descriptions.
const MINI_LIST = [
  '# comment line',
  '',
  '3B 8F 80 01 80 4F 0C A0 00 00 03 06 .. 00 01 00 00 00 00 ..',
  '\tTest MIFARE 1K entry',
  '\thttps://example.invalid/first-description-wins',
  '',
  '3B 98 13 40 0A A5 03 01 01 01 AD 13 11',
  '\tTest Belgian eID entry',
  '',
  '3B (unbalanced',
  '\tNever matches: the regex does not compile',
  '',
  '3B 02 14 50',
  '',
  '3B FD 13 00 00 81 31 FE 15 80 73 C0 21 C0 57 59 75 62 69 4B 65 79 40',
  '\tTest YubiKey entry that the bundled table must beat',
  '',
].join('\n');

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'card-models-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function writeList(content: string): string {
  const path = join(dir, 'smartcard_list.txt');
  writeFileSync(path, content);
  return path;
}

describe('bundled table', () => {
  const matcher = createCardModelMatcher({ systemListPath: null });

  it('names the MIM CM docs example as the Microsoft virtual smart card', () => {
    expect(matcher.match(CM_DOCS_EXAMPLE)).toEqual({ name: 'Microsoft TPM virtual smart card', source: 'bundled' });
    // Other VSC versions differ in the version bytes and TCK.
    expect(matcher.match('3B 8D 01 80 FB A0 00 00 03 97 42 54 46 59 04 01 CF')?.name).toBe('Microsoft TPM virtual smart card');
  });

  it.each([
    [YUBIKEY_5, 'Yubico YubiKey 5 series (USB)'],
    ['3B 7F 96 00 00 80 31 80 65 B0 84 23 27 E5 12 0F FE 82 90 00', 'Thales IDPrime MD (T=0)'],
    ['3B FF 96 00 00 81 31 FE 43 80 31 80 65 B0 84 61 60 FB 12 0F FD 82 90 00 0C', 'Thales IDPrime 930/940 (T=1)'],
    ['3B F9 96 00 00 80 31 FE 45 53 43 45 37 20 0F 00 20 46 4E', 'Giesecke+Devrient Sm@rtCafe Expert 7.0'],
    ['3B 9F 95 81 31 FE 9F 00 66 46 53 05 10 04 31 71 DF 00 00 00 00 00 26', 'Feitian ePass2003'],
    ['3B D6 97 00 81 B1 FE 45 1F 87 80 31 C1 52 21 1A 4B', 'IDEMIA ID-One PIV (Cosmo V8)'],
    ['3B 95 13 81 01 80 73 FF 01 00 0B', 'vsmartcard virtual ISO 7816 card'],
  ])('names %s', (atr, name) => {
    expect(matcher.match(atr)).toEqual({ name, source: 'bundled' });
  });

  it('matches whole ATRs only, byte for byte outside the wildcards', () => {
    expect(matcher.match(YUBIKEY_5.slice(0, -2))).toBeNull();
    expect(matcher.match(`${YUBIKEY_5}00`)).toBeNull();
    expect(matcher.match(YUBIKEY_5.replace(/40$/, '41'))).toBeNull();
    expect(matcher.match(BELGIAN_EID)).toBeNull();
  });

  it('has a reasonable number of distinct entries', () => {
    const names = BUNDLED_CARD_PATTERNS.map((entry) => entry.name);
    expect(names.length).toBeGreaterThanOrEqual(15);
    expect(names.length).toBeLessThanOrEqual(25);
    expect(new Set(names).size).toBe(names.length);
  });

  it('throws ATR_INVALID for input that is not an ATR spelling', () => {
    expect(() => matcher.match('not hex')).toThrow(StationError);
    try {
      matcher.match('zz');
    } catch (err) {
      expect((err as StationError).code).toBe('ATR_INVALID');
    }
  });
});

describe('system list', () => {
  it('matches regex entries and takes the first description line as the name', () => {
    const matcher = createCardModelMatcher({ systemListPath: writeList(MINI_LIST) });
    expect(matcher.match(MIFARE_1K)).toEqual({ name: 'Test MIFARE 1K entry', source: 'system' });
    expect(matcher.match(MIFARE_1K.replace('03 00 01', '11 00 01'))).toEqual({ name: 'Test MIFARE 1K entry', source: 'system' });
    expect(matcher.match(BELGIAN_EID.toLowerCase().replace(/ /g, ''))).toEqual({ name: 'Test Belgian eID entry', source: 'system' });
  });

  it('lets the bundled table win', () => {
    const matcher = createCardModelMatcher({ systemListPath: writeList(MINI_LIST) });
    expect(matcher.match(YUBIKEY_5)).toEqual({ name: 'Yubico YubiKey 5 series (USB)', source: 'bundled' });
  });

  it('skips entries without a description or with a regex JavaScript cannot compile', () => {
    const matcher = createCardModelMatcher({ systemListPath: writeList(MINI_LIST) });
    expect(matcher.match('3B 02 14 50')).toBeNull();
    expect(matcher.match('3B 8F 80 01 80 4F 0C A0 00 00 03 06 03 00 02 00 00 00 00 69')).toBeNull();
  });

  it('reads the file lazily, on the first match, and only once', () => {
    const path = join(dir, 'smartcard_list.txt');
    const matcher = createCardModelMatcher({ systemListPath: path });
    writeFileSync(path, MINI_LIST);
    expect(matcher.match(BELGIAN_EID)?.name).toBe('Test Belgian eID entry');
    writeFileSync(path, MINI_LIST.replace('Test Belgian eID entry', 'Changed'));
    expect(matcher.match(BELGIAN_EID)?.name).toBe('Test Belgian eID entry');
  });

  it('treats a missing file as no list', () => {
    const matcher = createCardModelMatcher({ systemListPath: join(dir, 'absent.txt') });
    expect(matcher.match(BELGIAN_EID)).toBeNull();
    expect(matcher.match(CM_DOCS_EXAMPLE)?.source).toBe('bundled');
  });

  it('uses /usr/share/pcsc/smartcard_list.txt by default (pcsc-tools must be installed)', () => {
    if (!existsSync('/usr/share/pcsc/smartcard_list.txt')) {
      throw new Error('pcsc-tools is not installed: /usr/share/pcsc/smartcard_list.txt is missing.');
    }
    const matcher = createCardModelMatcher();
    expect(matcher.match(BELGIAN_EID)).toEqual({ name: 'Belgium Electronic ID card (eID)', source: 'system' });
    expect(matcher.match('3B 02 77 77')).toBeNull();
  });
});
