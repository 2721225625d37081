import { describe, expect, it } from 'vitest';
import { pcscCodeOf, shortResponseError, toPcscError } from '../../../src/main/pcsc/errors';
import { StationError } from '../../../src/shared/errors';

describe('PC/SC error mapping', () => {
  it('reads the code from the addon message format', () => {
    expect(pcscCodeOf(new Error('SCardConnect error: Sharing violation.(0x8010000b)'))).toBe(0x8010000b);
    expect(pcscCodeOf(new Error('no code here'))).toBeNull();
  });

  it.each([
    [0x8010000b, 'PCSC_SHARING_VIOLATION', '0x8010000b'],
    [0x80100069, 'PCSC_CARD_REMOVED', '0x80100069'],
    [0x80100068, 'PCSC_CARD_RESET', '0x80100068'],
    [0x80100066, 'PCSC_UNRESPONSIVE_CARD', '0x80100066'],
    [0x8010001d, 'PCSC_SERVICE_DOWN', '0x8010001d'],
    [0x8010001e, 'PCSC_SERVICE_DOWN', '0x8010001e'],
    [0x80100013, 'PCSC_SERVICE_DOWN', '0x80100013'],
    [0x80100003, 'PCSC_SERVICE_DOWN', '0x80100003'],
    [0x8010002e, 'PCSC_NO_READERS', '0x8010002e'],
    [0x8010000c, 'PCSC_NO_CARD', '0x8010000c'],
    [0x80100009, 'PCSC_READER_NOT_FOUND', '0x80100009'],
    [0x80100099, 'PCSC_UNKNOWN', '0x80100099'],
  ] as const)('maps 0x%s to %s with details.pcscCode', (code, expected, hex) => {
    const err = toPcscError(new Error(`SCardTransmit error: x.(0x${code.toString(16)})`), { operation: 'SCardTransmit', reader: 'R' });
    expect(err).toBeInstanceOf(StationError);
    expect(err.code).toBe(expected);
    expect(err.message.length).toBeGreaterThan(20);
    expect(err.details).toMatchObject({ pcscCode: hex, operation: 'SCardTransmit', reader: 'R' });
  });

  it('passes StationErrors through and wraps anything else as PCSC_UNKNOWN', () => {
    const original = new StationError('PCSC_NO_CARD', 'x');
    expect(toPcscError(original, { operation: 'op' })).toBe(original);
    expect(toPcscError('weird', { operation: 'op' })).toMatchObject({ code: 'PCSC_UNKNOWN', details: { cause: 'weird' } });
  });

  it('reports a response shorter than the status word as a removed card', () => {
    expect(shortResponseError('R', 0)).toMatchObject({ code: 'PCSC_CARD_REMOVED', details: { responseLength: 0 } });
  });
});
