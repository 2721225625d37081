import { describe, expect, it } from 'vitest';
import { findTag, parseBerTlv, parseBerTlvFlat, parseCompactTlv } from '../../../src/main/pcsc/tlv';
import { StationError } from '../../../src/shared/errors';

const bytes = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex.replace(/\s/g, ''), 'hex'));

function tlvError(run: () => unknown): StationError {
  try {
    run();
  } catch (err) {
    if (err instanceof StationError) return err;
    throw err;
  }
  throw new Error('expected TLV_INVALID');
}

// A PIV CHUID as GET DATA returns it (SP 800-73-4): FASC-N, GUID, expiry, signature, EDC.
const GUID = '3a1f0e2d4c5b6a798897a6b5c4d3e2f1';
const FASCN = 'd4e739da739ced39ce739d836858210842108421c84210c3eb';
const SIGNATURE = 'aa'.repeat(300);
const CHUID_CONTENT = `3019${FASCN}3410${GUID}350832303330303130313e82012c${SIGNATURE}fe00`;
const CHUID = `53820${(CHUID_CONTENT.length / 2).toString(16).padStart(3, '0')}${CHUID_CONTENT}`;

describe('parseBerTlv', () => {
  it('decodes primitive objects with one-byte tags and short lengths', () => {
    expect(parseBerTlv(bytes('4f 02 a0 00 50 00'))).toEqual([
      { tag: '4f', constructed: false, value: 'a000' },
      { tag: '50', constructed: false, value: '' },
    ]);
  });

  it('decodes multi-byte tags and long-form lengths', () => {
    const value = '11'.repeat(0x100);
    expect(parseBerTlv(bytes(`5fc102 820100 ${value}`))).toEqual([{ tag: '5fc102', constructed: false, value }]);
    expect(parseBerTlv(bytes(`9f7f 81 02 0102`))).toEqual([{ tag: '9f7f', constructed: false, value: '0102' }]);
  });

  it('decodes constructed objects recursively', () => {
    const [fci] = parseBerTlv(bytes('6f 0a 84 03 a00000 a5 03 88 01 02'));
    expect(fci).toEqual({
      tag: '6f',
      constructed: true,
      value: '8403a00000a503880102',
      children: [
        { tag: '84', constructed: false, value: 'a00000' },
        { tag: 'a5', constructed: true, value: '880102', children: [{ tag: '88', constructed: false, value: '02' }] },
      ],
    });
  });

  it('skips 00 and FF padding between objects (ISO 7816-4 §5.2.2.1)', () => {
    expect(parseBerTlv(bytes('00 ff 4f 01 aa 00 00'))).toEqual([{ tag: '4f', constructed: false, value: 'aa' }]);
  });

  it.each([
    ['5f', 'multi-byte tag cut off'],
    ['5f81', 'multi-byte tag continues past the end'],
    ['5f818181 01 00', 'tag longer than four bytes'],
    ['4f', 'length missing'],
    ['4f 82 01', 'long length cut off'],
    ['4f 85 0000000001 00', 'length field too long'],
    ['4f 80 00 00', 'indefinite length'],
    ['4f 03 0102', 'value overflows'],
    ['6f 03 4f 02 01', 'child overflows its parent'],
  ])('throws TLV_INVALID on %j (%s)', (hex) => {
    expect(tlvError(() => parseBerTlv(bytes(hex))).code).toBe('TLV_INVALID');
  });
});

describe('PIV CHUID with parseBerTlvFlat + findTag', () => {
  it('finds the GUID in the 53 container', () => {
    const outer = parseBerTlv(bytes(CHUID));
    const container = findTag(outer, '53');
    expect(container?.constructed).toBe(false);
    const inner = parseBerTlvFlat(bytes(container?.value ?? ''));
    expect(inner.map((node) => node.tag)).toEqual(['30', '34', '35', '3e', 'fe']);
    expect(findTag(inner, '34')?.value).toBe(GUID);
    expect(findTag(inner, '30')?.value).toBe(FASCN);
    expect(findTag(inner, '3E')?.value).toBe(SIGNATURE);
  });

  it('shows why the flat parse exists: the tree parse reads 30/34 as constructed and fails', () => {
    const container = findTag(parseBerTlv(bytes(CHUID)), '53');
    expect(tlvError(() => parseBerTlv(bytes(container?.value ?? ''))).code).toBe('TLV_INVALID');
  });

  it('throws TLV_INVALID on a truncated CHUID', () => {
    expect(tlvError(() => parseBerTlv(bytes(CHUID.slice(0, -10)))).code).toBe('TLV_INVALID');
    const container = findTag(parseBerTlv(bytes(CHUID)), '53');
    expect(tlvError(() => parseBerTlvFlat(bytes((container?.value ?? '').slice(0, 40)))).code).toBe('TLV_INVALID');
  });
});

describe('findTag', () => {
  it('searches depth first and returns null when absent', () => {
    const nodes = parseBerTlv(bytes('6f 08 a5 06 bf0c 03 9f6500'));
    expect(findTag(nodes, 'BF0C')).toMatchObject({ tag: 'bf0c', constructed: true });
    expect(findTag(nodes, '9f65')).toEqual({ tag: '9f65', constructed: false, value: '' });
    expect(findTag(nodes, '53')).toBeNull();
  });
});

describe('parseCompactTlv', () => {
  it('decodes tag/length nibbles and names the tags', () => {
    expect(parseCompactTlv(bytes('31 c0 73 c0 21 c0 57 01 02 03 04 05 06 07 40 82 90 00'))).toEqual([
      { tag: 3, name: 'card-service-data', value: 'c0' },
      { tag: 7, name: 'card-capabilities', value: 'c021c0' },
      { tag: 5, name: 'card-issuer-data', value: '01020304050607' },
      { tag: 4, name: 'initial-access-data', value: '' },
      { tag: 8, name: 'status-indicator', value: '9000' },
    ]);
  });

  it('leaves tags ISO 7816-4 does not assign unnamed', () => {
    expect(parseCompactTlv(bytes('01 aa 9f' + '00'.repeat(15)))).toEqual([
      { tag: 0, name: null, value: 'aa' },
      { tag: 9, name: null, value: '00'.repeat(15) },
    ]);
  });

  it('accepts empty input and throws TLV_INVALID on overflow', () => {
    expect(parseCompactTlv(new Uint8Array())).toEqual([]);
    expect(tlvError(() => parseCompactTlv(bytes('73 c0 21'))).code).toBe('TLV_INVALID');
    expect(tlvError(() => parseCompactTlv(bytes('31 c0 01'))).code).toBe('TLV_INVALID');
  });
});
