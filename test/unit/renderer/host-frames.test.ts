import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { envelopeSchema } from '../../../src/shared/contract';
import { hostServerMessageSchema } from '../../../src/shared/host-frames';

// The page checks the host's frames with zod/mini (the first screen loads no classic zod); the
// contract's classic envelope is what the station sends. Both must accept and refuse alike.
const classic = z.union([
  z.object({ type: z.literal('reply'), id: z.number().int().nonnegative(), envelope: envelopeSchema }),
  z.object({ type: z.literal('event'), event: z.string(), payload: z.unknown() }),
]);

const error = { code: 'CM_OFFLINE', message: 'CM cannot be reached.', details: { url: 'https://cm' }, params: { seconds: 5 } };
const frames: Array<[string, unknown, boolean]> = [
  ['a reply with a value', { type: 'reply', id: 0, envelope: { ok: true, value: { any: 'thing' } } }, true],
  ['a reply with an error', { type: 'reply', id: 7, envelope: { ok: false, error } }, true],
  ['an error without details (defaulted)', { type: 'reply', id: 1, envelope: { ok: false, error: { code: 'INTERNAL', message: 'x' } } }, true],
  ['an event', { type: 'event', event: 'readers.changed', payload: null }, true],
  ['extra keys (stripped)', { type: 'reply', id: 2, extra: 1, envelope: { ok: true, value: 1, more: 2 } }, true],
  ['an unknown error code', { type: 'reply', id: 1, envelope: { ok: false, error: { ...error, code: 'NOPE' } } }, false],
  ['an error without a message', { type: 'reply', id: 1, envelope: { ok: false, error: { code: 'INTERNAL', details: {} } } }, false],
  ['a param that is not a string or number', { type: 'reply', id: 1, envelope: { ok: false, error: { ...error, params: { on: true } } } }, false],
  ['details that are not a record', { type: 'reply', id: 1, envelope: { ok: false, error: { ...error, details: 'x' } } }, false],
  ['ok neither true nor false', { type: 'reply', id: 1, envelope: { ok: 'yes', value: 1 } }, false],
  ['a negative id', { type: 'reply', id: -1, envelope: { ok: true, value: 1 } }, false],
  ['a fractional id', { type: 'reply', id: 1.5, envelope: { ok: true, value: 1 } }, false],
  ['an event without a name', { type: 'event', payload: 1 }, false],
  ['an unknown frame type', { type: 'push', event: 'x', payload: 1 }, false],
  ['not an object', 'reply', false],
];

describe('host frames (zod/mini) against the contract envelope (classic zod)', () => {
  for (const [what, frame, accepted] of frames) {
    it(`${accepted ? 'accepts' : 'refuses'} ${what}, as the contract does`, () => {
      const mini = hostServerMessageSchema.safeParse(frame);
      const full = classic.safeParse(frame);
      expect(mini.success).toBe(accepted);
      expect(full.success).toBe(accepted);
      if (mini.success && full.success) expect(mini.data).toEqual(full.data);
    });
  }
});
