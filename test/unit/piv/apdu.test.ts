import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CardConnection } from '../../../src/main/pcsc/binding';
import { buildApdus, exchange, expectOk, statusError } from '../../../src/main/pcsc/piv/apdu';
import { StationError } from '../../../src/shared/errors';

const hex = (value: string) => Buffer.from(value.replace(/\s/g, ''), 'hex');

/** A connection that answers from a script of [expected command, response] pairs, in order. */
function scripted(script: [string, string][]): CardConnection & { sent: string[] } {
  const sent: string[] = [];
  return {
    reader: 'Test reader',
    sent,
    async transmit(apdu) {
      const command = Buffer.from(apdu).toString('hex');
      sent.push(command);
      const step = script.shift();
      if (!step) throw new Error(`unexpected APDU ${command}`);
      expect(command).toBe(step[0].replace(/\s/g, ''));
      return Uint8Array.from(hex(step[1]));
    },
    async disconnect() {},
  };
}

const options = { timeoutMs: 1_000 };

describe('buildApdus', () => {
  it('builds a case 1 and a case 2 command', () => {
    expect(buildApdus({ ins: 0x20, p1: 0x00, p2: 0x80 }).map((a) => a.toString('hex'))).toEqual(['00200080']);
    // GET VERSION as ykpiv sends it (lib/ykpiv.c _ykpiv_get_version, templ 00 FD 00 00) with Le.
    expect(buildApdus({ ins: 0xfd, p1: 0x00, p2: 0x00, le: true }).map((a) => a.toString('hex'))).toEqual(['00fd000000']);
  });

  it('sends the 9B single-authentication challenge request as desk-issuance.md writes it', () => {
    const [apdu] = buildApdus({ ins: 0x87, p1: 0x03, p2: 0x9b, data: hex('7c028100'), le: true });
    expect(apdu?.toString('hex')).toBe('0087039b047c02810000');
  });

  it('chains data over 255 bytes in 255-byte chunks with CLA 10 on all but the last (ykpiv _ykpiv_transfer_data)', () => {
    const data = Buffer.alloc(600, 0xab);
    const apdus = buildApdus({ ins: 0xdb, p1: 0x3f, p2: 0xff, data });
    expect(apdus.map((a) => a.subarray(0, 5).toString('hex'))).toEqual(['10db3fffff', '10db3fffff', '00db3fff5a']);
    expect(Buffer.concat(apdus.map((a) => a.subarray(5)))).toEqual(data);
  });

  it('puts Le only on the last chunk of a chain', () => {
    const apdus = buildApdus({ ins: 0x87, p1: 0x07, p2: 0x9a, data: Buffer.alloc(262, 1), le: true });
    expect(apdus[0]?.length).toBe(5 + 255);
    expect(apdus[1]?.toString('hex')).toBe(`00870 79a07${'01'.repeat(7)}00`.replace(/\s/g, ''));
  });
});

describe('exchange', () => {
  it('collects 61 xx answers with GET RESPONSE 00 C0 00 00 xx', async () => {
    const connection = scripted([
      ['00cb3fff055c035fc10500', `${'11'.repeat(256)}6110`],
      ['00c0000010', `${'22'.repeat(16)}9000`],
    ]);
    const reply = await exchange(connection, { ins: 0xcb, p1: 0x3f, p2: 0xff, data: hex('5c035fc105'), le: true }, options);
    expect(reply.sw).toBe(0x9000);
    expect(reply.data).toEqual(Buffer.concat([Buffer.alloc(256, 0x11), Buffer.alloc(16, 0x22)]));
  });

  it('sends the command again with the Le the card asks for on 6C xx', async () => {
    const connection = scripted([
      ['00fd000000', '6c03'],
      ['00fd000003', '0504039000'],
    ]);
    const reply = await exchange(connection, { ins: 0xfd, p1: 0, p2: 0, le: true }, options);
    expect(reply).toEqual({ data: hex('050403'), sw: 0x9000 });
  });

  it('stops a chain at the first refused chunk', async () => {
    const connection = scripted([[`10db3fffff${'ab'.repeat(255)}`, '6982']]);
    const reply = await exchange(connection, { ins: 0xdb, p1: 0x3f, p2: 0xff, data: Buffer.alloc(300, 0xab) }, options);
    expect(reply.sw).toBe(0x6982);
    expect(connection.sent).toHaveLength(1);
  });

  it('reports a response shorter than SW1 SW2 as the card pulled (as identify.ts does)', async () => {
    const connection = scripted([['00fd000000', '90']]);
    await expect(exchange(connection, { ins: 0xfd, p1: 0, p2: 0, le: true }, options)).rejects.toMatchObject({ code: 'PCSC_CARD_REMOVED' });
  });

  it('bounds a card that never stops answering 61 xx', async () => {
    const endless: CardConnection = { reader: 'r', transmit: async () => Uint8Array.from(hex(`${'00'.repeat(255)}61ff`)), disconnect: async () => undefined };
    await expect(exchange(endless, { ins: 0xcb, p1: 0x3f, p2: 0xff, le: true }, options)).rejects.toMatchObject({
      code: 'PIV_CARD_ERROR',
      details: { reason: 'response-too-long' },
    });
  });

  it('fails a mute card with PCSC_UNRESPONSIVE_CARD after the bound', async () => {
    const mute: CardConnection = { reader: 'r', transmit: () => new Promise(() => undefined), disconnect: async () => undefined };
    await expect(exchange(mute, { ins: 0xfd, p1: 0, p2: 0 }, { timeoutMs: 20 })).rejects.toMatchObject({ code: 'PCSC_UNRESPONSIVE_CARD' });
  });
});

describe('status words', () => {
  it.each([
    [0x20, 0x63c2, 'PIV_PIN_WRONG', { triesLeft: 2 }],
    [0x24, 0x63c0, 'PIV_PIN_WRONG', { triesLeft: 0 }],
    [0x20, 0x6983, 'PIV_PIN_BLOCKED', {}],
    [0xdb, 0x6982, 'PIV_SECURITY_STATUS', {}],
    [0xa4, 0x6a82, 'PIV_NOT_PRESENT', {}],
    [0xcb, 0x6a82, 'PIV_CARD_ERROR', { sw: '6a82' }],
    [0x47, 0x6a80, 'PIV_CARD_ERROR', { sw: '6a80', operation: 'GENERATE ASYMMETRIC KEY PAIR' }],
  ])('INS %s with SW %s is %s', (ins, sw, code, details) => {
    const error = statusError({ ins }, sw);
    expect(error.code).toBe(code);
    expect(error.details).toMatchObject(details);
  });

  it('passes 90 00 data through', () => {
    expect(expectOk({ ins: 0xcb }, { data: hex('5300'), sw: 0x9000 })).toEqual(hex('5300'));
  });

  it('any response bytes give a reply or a typed error, never another kind of throw', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 5 }), async (responses) => {
        let index = 0;
        const connection: CardConnection = {
          reader: 'r',
          transmit: async () => responses[Math.min(index++, responses.length - 1)] ?? new Uint8Array(),
          disconnect: async () => undefined,
        };
        try {
          const reply = await exchange(connection, { ins: 0xcb, p1: 0x3f, p2: 0xff, data: hex('5c035fc102'), le: true }, options);
          expect(reply.sw).toBeGreaterThanOrEqual(0);
          expectOk({ ins: 0xcb }, reply);
        } catch (err) {
          expect(err).toBeInstanceOf(StationError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
