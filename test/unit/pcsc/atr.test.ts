import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalizeAtrHex, parseAtr } from '../../../src/main/pcsc/atr/index';
import { atrInfoSchema, type AtrInfo, type InterfaceByteMeaning } from '../../../src/shared/atr-info';
import { StationError } from '../../../src/shared/errors';

const YUBIKEY_5 = '3B FD 13 00 00 81 31 FE 15 80 73 C0 21 C0 57 59 75 62 69 4B 65 79 40';
const CM_DOCS_EXAMPLE = '3b8d0180fba000000397425446590301c8';
const VICC = '3B 95 13 81 01 80 73 FF 01 00 0B';

function meaning(info: AtrInfo, level: number, position: 'ta' | 'tb' | 'tc'): InterfaceByteMeaning | undefined {
  return info.levels.find((l) => l.level === level)?.[position]?.meaning;
}

function atrError(input: string): StationError {
  try {
    parseAtr(input);
  } catch (err) {
    if (err instanceof StationError) return err;
    throw err;
  }
  throw new Error(`parseAtr accepted ${input}`);
}

describe('normalizeAtrHex', () => {
  it('accepts spaces, colons, tabs and upper case', () => {
    expect(normalizeAtrHex('3B:8F 80\t01\n80')).toBe('3b8f800180');
    expect(normalizeAtrHex(' 3b 95 ')).toBe('3b95');
  });

  it.each([
    ['', 'empty'],
    ['  : ', 'only separators'],
    ['3g', 'non-hex'],
    ['3b9', 'odd digits'],
    ['0x3b95', 'prefix'],
    ['3b'.repeat(34), 'too long'],
  ])('rejects %j (%s) with ATR_INVALID', (input) => {
    expect(() => normalizeAtrHex(input)).toThrow(StationError);
    try {
      normalizeAtrHex(input);
    } catch (err) {
      expect((err as StationError).code).toBe('ATR_INVALID');
    }
  });
});

describe('parseAtr: contact cards', () => {
  it('decodes the YubiKey 5 (T=1, TA1/TB1/TC1, T=1 IFSC and BWI/CWI, compact-TLV)', () => {
    const info = parseAtr(YUBIKEY_5);
    expect(info.atr).toBe(normalizeAtrHex(YUBIKEY_5));
    expect(info.ts).toEqual({ byte: '3b', convention: 'direct' });
    expect(info.t0).toEqual({ byte: 'fd', historicalLength: 13 });
    expect(info.protocols).toEqual([1]);
    expect(meaning(info, 1, 'ta')).toEqual({
      kind: 'fi-di',
      fi: 372,
      fMaxMHz: 5,
      di: 4,
      cyclesPerEtu: 93,
      bitRateAtDefaultClock: 43010,
      bitRateAtFMax: 53763,
    });
    expect(meaning(info, 1, 'tb')).toEqual({ kind: 'vpp-deprecated', connected: false, pi: 0, ii: 0 });
    expect(meaning(info, 1, 'tc')).toEqual({ kind: 'extra-guard-time', n: 0, minimum: false });
    expect(info.levels.map((l) => l.td?.protocol ?? null)).toEqual([1, 1, null]);
    expect(meaning(info, 3, 'ta')).toEqual({ kind: 'ifsc', ifsc: 254, valid: true });
    expect(meaning(info, 3, 'tb')).toEqual({ kind: 'bwi-cwi', bwi: 1, cwi: 5 });
    expect(info.historical).toEqual({
      bytes: '8073c021c057597562694b6579',
      category: '80',
      content: {
        format: 'compact-tlv',
        objects: [
          { tag: 7, name: 'card-capabilities', value: 'c021c0' },
          { tag: 5, name: 'card-issuer-data', value: '597562694b6579' },
        ],
        status: null,
      },
    });
    expect(info.tck).toEqual({ present: true, required: true, byte: '40', valid: true, expected: '40' });
    expect(info.contactless).toBeNull();
  });

  it('decodes the MIM CM docs example (Microsoft virtual smart card AID in compact-TLV)', () => {
    const info = parseAtr(CM_DOCS_EXAMPLE);
    expect(info.protocols).toEqual([1]);
    expect(info.levels).toHaveLength(1);
    expect(info.historical.content).toEqual({
      format: 'compact-tlv',
      objects: [{ tag: 15, name: 'application-identifier', value: 'a000000397425446590301' }],
      status: null,
    });
    expect(info.tck.valid).toBe(true);
    expect(info.contactless).toBeNull();
  });

  it('decodes the vicc card used by the integration tests', () => {
    const info = parseAtr(VICC);
    expect(info.protocols).toEqual([1]);
    expect(meaning(info, 1, 'ta')).toMatchObject({ fi: 372, di: 4 });
    expect(info.historical.content).toEqual({
      format: 'compact-tlv',
      objects: [{ tag: 7, name: 'card-capabilities', value: 'ff0100' }],
      status: null,
    });
    expect(info.tck.valid).toBe(true);
  });

  it('implies T=0 without TD1 and expects no TCK then (IDPrime MD, category 80 with tag 8 status)', () => {
    const info = parseAtr('3B 7F 96 00 00 80 31 80 65 B0 84 23 27 E5 12 0F FE 82 90 00');
    expect(info.protocols).toEqual([0]);
    expect(info.tck).toEqual({ present: false, required: false, valid: null, expected: null });
    expect(meaning(info, 1, 'ta')).toMatchObject({ fi: 512, di: 32, cyclesPerEtu: 16, bitRateAtDefaultClock: 250000 });
    expect(info.historical.content).toMatchObject({
      format: 'compact-tlv',
      status: { lcs: null, lifeCycle: null, sw: '9000' },
    });
  });

  it('reads the mandatory status indicator of category 00', () => {
    const info = parseAtr('3B DB 96 00 80 B1 FE 45 1F 83 00 31 C0 64 B0 FC 10 00 0F 90 00 0D');
    expect(info.historical.content).toEqual({
      format: 'compact-tlv',
      objects: [
        { tag: 3, name: 'card-service-data', value: 'c0' },
        { tag: 6, name: 'pre-issuing-data', value: 'b0fc1000' },
      ],
      status: { lcs: '0f', lifeCycle: 'termination', sw: '9000' },
    });
  });

  it('offers T=0 and T=1 in TD order (G+D Sm@rtCafe Expert 7)', () => {
    const info = parseAtr('3B F9 96 00 00 80 31 FE 45 53 43 45 37 20 0F 00 20 46 4E');
    expect(info.protocols).toEqual([0, 1]);
    expect(info.levels[1]?.qualifiedBy).toBe(0);
    expect(info.historical.content).toEqual({ format: 'proprietary' });
    expect(info.tck.required).toBe(true);
  });

  it('decodes T=15 global bytes: clock stop and class indicator (ID-One PIV)', () => {
    const info = parseAtr('3B D6 97 00 81 B1 FE 45 1F 87 80 31 C1 52 21 1A 4B');
    expect(info.protocols).toEqual([1]);
    expect(info.levels[3]?.qualifiedBy).toBe(15);
    expect(meaning(info, 4, 'ta')).toEqual({ kind: 'clock-stop-class', clockStop: 'state-high', classes: ['A', 'B', 'C'] });
    expect(info.tck.valid).toBe(true);
  });

  it('decodes TA2 specific mode and the T=1 error detection code', () => {
    const info = parseAtr('3B F5 91 00 FF 91 81 71 FE 40 00 42 00 01 00 D1 D6');
    expect(meaning(info, 1, 'tc')).toEqual({ kind: 'extra-guard-time', n: 255, minimum: true });
    expect(meaning(info, 2, 'ta')).toEqual({
      kind: 'specific-mode',
      protocol: 1,
      canChangeMode: false,
      implicitParameters: false,
    });
    expect(meaning(info, 3, 'tc')).toEqual({ kind: 'error-detection-code', code: 'lrc' });
  });

  it('decodes TC2 as the T=0 work waiting integer (Belgian eID)', () => {
    const info = parseAtr('3B 98 13 40 0A A5 03 01 01 01 AD 13 11');
    expect(info.protocols).toEqual([0]);
    expect(meaning(info, 2, 'tc')).toEqual({ kind: 'work-waiting-integer', wi: 10 });
    expect(info.tck.present).toBe(false);
  });

  it('reports the inverse convention', () => {
    const info = parseAtr('3F 67 25 00 2A 20 00 0F 68 90 00');
    expect(info.ts).toEqual({ byte: '3f', convention: 'inverse' });
    expect(info.protocols).toEqual([0]);
    expect(meaning(info, 1, 'tb')).toEqual({ kind: 'vpp-deprecated', connected: true, pi: 5, ii: 1 });
  });

  it('marks RFU Fi/Di table entries as null rather than inventing a rate', () => {
    const info = parseAtr('3b 10 7a');
    expect(meaning(info, 1, 'ta')).toEqual({
      kind: 'fi-di',
      fi: null,
      fMaxMHz: null,
      di: null,
      cyclesPerEtu: null,
      bitRateAtDefaultClock: null,
      bitRateAtFMax: null,
    });
  });

  it('decodes category 10 as a DIR data reference', () => {
    expect(parseAtr('3B 02 10 50').historical.content).toEqual({ format: 'dir-data-reference', reference: '50' });
  });

  it('keeps malformed compact-TLV historical bytes as a finding, not an error', () => {
    const info = parseAtr('3B 03 80 75 01');
    expect(info.historical.content.format).toBe('compact-tlv-malformed');
    expect(info.historical.bytes).toBe('807501');
  });
});

describe('parseAtr: TCK', () => {
  it('reports a wrong TCK with the value that would be right', () => {
    const info = parseAtr(YUBIKEY_5.replace(/40$/, '41'));
    expect(info.tck).toEqual({ present: true, required: true, byte: '41', valid: false, expected: '40' });
  });

  it('reports a TCK that is required but missing', () => {
    const info = parseAtr('3B 8D 01 80 FB A0 00 00 03 97 42 54 46 59 04 01');
    expect(info.tck).toEqual({ present: false, required: true, valid: null, expected: null });
  });

  it('reports a TCK sent although only T=0 is offered', () => {
    const info = parseAtr('3B 02 14 50 11');
    expect(info.tck).toMatchObject({ present: true, required: false, byte: '11' });
  });

  it('counts T=15 as requiring a TCK (ISO 7816-3 §8.2.5)', () => {
    const info = parseAtr('3B 9F 96 80 1F C7 80 31 E0 73 FE 21 1B 63 00 57 00 83 81 90 00 11');
    expect(info.protocols).toEqual([0]);
    expect(info.tck).toMatchObject({ present: true, required: true, valid: true });
    expect(meaning(info, 3, 'ta')).toEqual({ kind: 'clock-stop-class', clockStop: 'no-preference', classes: ['A', 'B', 'C'] });
  });
});

describe('parseAtr: contactless pseudo-ATRs (PC/SC part 3)', () => {
  it.each([
    ['03 00 01', '6A', 'ISO 14443 A, part 3', 'MIFARE Classic 1K'],
    ['03 00 02', '69', 'ISO 14443 A, part 3', 'MIFARE Classic 4K'],
    ['03 00 03', '68', 'ISO 14443 A, part 3', 'MIFARE Ultralight'],
    ['0B 00 14', '77', 'ISO 15693, part 3', 'ICODE SLI'],
    ['11 00 3B', '42', 'FeliCa', 'FeliCa'],
  ])('names storage card %s', (ssName, tck, standard, cardName) => {
    const info = parseAtr(`3B 8F 80 01 80 4F 0C A0 00 00 03 06 ${ssName} 00 00 00 00 ${tck}`);
    expect(info.contactless).toMatchObject({ kind: 'storage-card', standard, cardName });
    expect(info.historical.content).toEqual({ format: 'pcsc-storage-card' });
    expect(info.protocols).toEqual([0, 1]);
    expect(info.tck.valid).toBe(true);
  });

  it('keeps an unknown card name code without a name', () => {
    const info = parseAtr('3B 8F 80 01 80 4F 0C A0 00 00 03 06 03 00 FF 00 00 00 00 94');
    expect(info.contactless).toEqual({
      kind: 'storage-card',
      standard: 'ISO 14443 A, part 3',
      standardByte: '03',
      cardName: null,
      cardNameCode: '00ff',
    });
  });

  it('recognises ISO 14443-4 cards (DESFire, YubiKey over NFC, no historical bytes)', () => {
    for (const atr of ['3B 81 80 01 80 80', '3B 8D 80 01 80 73 C0 21 C0 57 59 75 62 69 4B 65 79 F9', '3B 80 80 01 01']) {
      expect(parseAtr(atr).contactless).toEqual({ kind: 'iso14443-4', standard: 'ISO/IEC 14443-4', cardName: null });
    }
  });

  it('does not take contact ATRs for pseudo-ATRs', () => {
    expect(parseAtr(CM_DOCS_EXAMPLE).contactless).toBeNull();
    expect(parseAtr('3B 88 80 01 00 00 00 00 77 83 95 00 00').contactless).not.toBeNull();
    // Same shape but TA1 present: a contact card.
    expect(parseAtr('3B 91 13 80 01 80 83').contactless).toBeNull();
  });
});

describe('parseAtr: rejections', () => {
  it.each([
    ['', 'empty'],
    ['3b', 'T0 missing'],
    ['3c00', 'bad TS'],
    ['0300', 'raw inverse TS'],
    ['3b'.repeat(17) + '00', 'over 33 bytes'],
    ['3bf0', 'TA1 missing'],
    ['3b80', 'TD1 missing'],
    ['3b8081', 'TD1 announces TD2 which is missing'],
    ['3b0214', 'historical bytes shorter than K'],
    ['3b811f', 'TD1 announces TA2 which is missing'],
    ['3b00aabb', 'bytes after historical bytes and TCK'],
  ])('rejects %j (%s) with ATR_INVALID', (input) => {
    expect(atrError(input).code).toBe('ATR_INVALID');
  });
});

describe('parseAtr output', () => {
  const corpus = readFileSync(new URL('../../fixtures/atr-corpus.txt', import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#') && !line.startsWith('!'))
    .map((line) => line.split('|')[0]?.trim() ?? '');

  it('satisfies the AtrInfo schema and survives a JSON round trip, for every corpus ATR', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(30);
    for (const atr of corpus) {
      const info = parseAtr(atr);
      expect(atrInfoSchema.parse(info)).toEqual(info);
      expect(JSON.parse(JSON.stringify(info))).toEqual(info);
    }
  });
});
