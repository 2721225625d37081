import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeAtrHex, parseAtr } from '../../../src/main/pcsc/atr/index';
import { parseBerTlv, parseBerTlvFlat, parseCompactTlv } from '../../../src/main/pcsc/tlv';
import { atrInfoSchema } from '../../../src/shared/atr-info';
import { type ErrorCode, StationError } from '../../../src/shared/errors';

/**
 * Random bytes must give either a well-formed result or a StationError with the parser's own code:
 * never a TypeError, RangeError or any other exception that would crash the main process.
 */
function outcome<T>(run: () => T, code: ErrorCode): T | null {
  try {
    return run();
  } catch (err) {
    expect(err).toBeInstanceOf(StationError);
    expect((err as StationError).code).toBe(code);
    return null;
  }
}

const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const RUNS = 5000;

// Plain random bytes rarely start with 3B/3F; half the ATR cases get a valid TS to reach deeper code.
const atrBytes = fc.oneof(
  fc.uint8Array({ minLength: 0, maxLength: 40 }),
  fc.tuple(fc.constantFrom(0x3b, 0x3f), fc.uint8Array({ minLength: 0, maxLength: 39 })).map(([ts, rest]) => Uint8Array.from([ts, ...rest])),
);

describe('fuzzing the card-data parsers with random bytes', () => {
  it('parseAtr returns schema-valid, JSON-stable AtrInfo or throws ATR_INVALID', () => {
    let parsed = 0;
    fc.assert(
      fc.property(atrBytes, (bytes) => {
        const info = outcome(() => parseAtr(toHex(bytes)), 'ATR_INVALID');
        if (info === null) return;
        parsed += 1;
        expect(atrInfoSchema.parse(info)).toEqual(info);
        expect(JSON.parse(JSON.stringify(info))).toEqual(info);
        expect(info.atr).toBe(toHex(bytes));
      }),
      { numRuns: RUNS },
    );
    // The generator must reach the success path too, or the property proves little.
    expect(parsed).toBeGreaterThan(RUNS / 50);
  });

  it('normalizeAtrHex on arbitrary strings returns canonical hex or throws ATR_INVALID', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (input) => {
        const hex = outcome(() => normalizeAtrHex(input), 'ATR_INVALID');
        if (hex !== null) expect(hex).toMatch(/^(?:[0-9a-f]{2}){1,33}$/);
      }),
      { numRuns: RUNS },
    );
  });

  it('parseBerTlv and parseBerTlvFlat return nodes or throw TLV_INVALID', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 40 }), (bytes) => {
        const tree = outcome(() => parseBerTlv(bytes), 'TLV_INVALID');
        const flat = outcome(() => parseBerTlvFlat(bytes), 'TLV_INVALID');
        if (tree !== null) expect(JSON.parse(JSON.stringify(tree))).toEqual(tree);
        // Same framing at the top level: if the tree parse succeeds, so does the flat one.
        if (tree !== null) expect(flat?.map((n) => [n.tag, n.value])).toEqual(tree.map((n) => [n.tag, n.value]));
      }),
      { numRuns: RUNS },
    );
  });

  it('parseCompactTlv returns objects that re-encode to the input, or throws TLV_INVALID', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 40 }), (bytes) => {
        const objects = outcome(() => parseCompactTlv(bytes), 'TLV_INVALID');
        if (objects === null) return;
        const reencoded = objects.map((o) => ((o.tag << 4) | (o.value.length / 2)).toString(16).padStart(2, '0') + o.value).join('');
        expect(reencoded).toBe(toHex(bytes));
      }),
      { numRuns: RUNS },
    );
  });
});
