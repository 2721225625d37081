import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INVOKE_CHANNELS } from '../../src/shared/contract';
import { ERROR_CODES } from '../../src/shared/errors';
import { dispatch } from '../../src/main/station/dispatch';
import { startTestStation, type TestStation } from '../support/test-station';

let test: TestStation;
beforeAll(async () => {
  test = await startTestStation();
});
afterAll(() => test.close());
const station = () => test.station;

describe('dispatch', () => {
  it('answers a known channel with its parsed response', async () => {
    const result = await dispatch(station().handlers, 'outbox.list', {});
    expect(result).toEqual({ ok: true, value: [] });
  });

  it('refuses unknown channels, including prototype keys, with UNKNOWN_CHANNEL', async () => {
    for (const name of ['nope', 'constructor', '__proto__', 'toString', 42, null]) {
      const result = await dispatch(station().handlers, name, {});
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('UNKNOWN_CHANNEL');
    }
  });

  it('refuses a malformed payload with BAD_REQUEST naming the problem', async () => {
    const result = await dispatch(station().handlers, 'outbox.list', { unexpected: true });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('BAD_REQUEST');
      expect(JSON.stringify(result.error.details)).toContain('unexpected');
    }
  });

  it('never throws and only returns contract error codes, whatever the payload (fuzz)', async () => {
    const s = station();
    // Channels that change things are fuzzed too: a payload that passes its schema by chance
    // must still be handled (refused by the workflow, or done) without the process dying.
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...INVOKE_CHANNELS, 'x.y', ''), fc.anything(), async (channel, payload) => {
        const result = await dispatch(s.handlers, channel, payload);
        if (!result.ok) expect(ERROR_CODES).toContain(result.error.code);
        expect(() => JSON.stringify(result)).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });

  it('turns an unexpected handler failure into INTERNAL without leaking its message', async () => {
    const s = station();
    const handlers = {
      ...s.handlers,
      'outbox.list': async () => {
        throw new Error('secret stack detail');
      },
    };
    const result = await dispatch(handlers, 'outbox.list', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(JSON.stringify(result)).not.toContain('secret');
  });
});
