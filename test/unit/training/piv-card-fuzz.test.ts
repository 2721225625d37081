// Whatever bytes arrive, the virtual PIV card answers a status word: it never throws and never falls
// back to its internal-fault answer (6F00), and it still works afterwards.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { authenticate, newCard, select, tx, verifyPin } from './piv-card-helpers';

const KNOWN_INS = [0xa4, 0x20, 0x24, 0x2c, 0xcb, 0xdb, 0x47, 0x87, 0xfd, 0xf8, 0xf7, 0xff, 0xfe, 0xfa, 0xfb, 0xc0, 0x00, 0x6e];

/** Mostly well-framed commands to the applet's instructions with arbitrary fields, plus raw garbage. */
const apdu = fc.oneof(
  fc.uint8Array({ minLength: 2, maxLength: 300 }).map((b) => Buffer.from(b)),
  fc
    .record({
      cla: fc.constantFrom(0x00, 0x10, 0x80, 0x0c),
      ins: fc.constantFrom(...KNOWN_INS),
      p1: fc.oneof(fc.constantFrom(0x00, 0x03, 0x04, 0x07, 0x11, 0x3f, 0xff), fc.integer({ min: 0, max: 255 })),
      p2: fc.oneof(fc.constantFrom(0x80, 0x81, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0xff), fc.integer({ min: 0, max: 255 })),
      data: fc.uint8Array({ maxLength: 270 }),
      le: fc.option(fc.integer({ min: 0, max: 255 })),
    })
    .map(({ cla, ins, p1, p2, data, le }) => {
      const lc = data.length > 255 ? [] : data.length > 0 ? [data.length] : [];
      const body = data.length > 255 ? [0x00, data.length >> 8, data.length & 0xff, ...data] : [...lc, ...data];
      return Buffer.from([cla, ins, p1, p2, ...body, ...(le === null ? [] : [le])]);
    }),
);

describe('virtual PIV card under arbitrary input', () => {
  it('answers every APDU with a status word, never a fault, and still works afterwards', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.array(apdu, { maxLength: 25 }), (prepared, commands) => {
        const card = newCard();
        if (prepared) {
          select(card);
          authenticate(card);
          verifyPin(card, '123456');
        }
        for (const command of commands) {
          const reaction = card.command(command);
          expect(reaction.kind).toBe('answer');
          if (reaction.kind !== 'answer') return;
          expect(reaction.response.length).toBeGreaterThanOrEqual(2);
          expect(reaction.response.subarray(-2).toString('hex')).not.toBe('6f00');
        }
        card.reset();
        expect(select(card).sw).toBe(0x9000);
        expect(tx(card, '00fd000000').sw).toBe(0x9000);
      }),
      { numRuns: 300 },
    );
  });
});
