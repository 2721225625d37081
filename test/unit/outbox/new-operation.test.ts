import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newOperation } from '../../../src/main/outbox/transitions';
import { outboxOperationInputSchema, outboxOperationSchema } from '../../../src/shared/outbox';

// The outbox writes a new operation without parsing it again (operation-store add): that holds only
// if every operation newOperation makes from parsed input is one the journal reads back.
const hex = fc.uint8Array({ minLength: 1, maxLength: 40 }).map((bytes) => Buffer.from(bytes).toString('hex'));
const text = fc.string({ minLength: 1, maxLength: 200 });
const input = fc.oneof(
  fc.record({ kind: fc.constant('bind' as const), requestId: fc.uuid(), cardId: text, atr: hex, reader: text }),
  fc.record(
    {
      kind: fc.constant('retire' as const),
      requestId: fc.uuid(),
      smartcardUuid: fc.uuid(),
      waitFor: fc.constantFrom('new-card-active' as const, null),
      route: fc.constantFrom('retire-request' as const, 'replacing-request' as const),
      retireRequestId: fc.option(fc.uuid(), { nil: null }),
    },
    { requiredKeys: ['kind', 'requestId', 'smartcardUuid'] },
  ),
);
// From the epoch to the year 9999: what Date.toISOString writes without a sign.
const atMs = fc.integer({ min: 0, max: Date.UTC(9999, 11, 31) });

describe('newOperation', () => {
  it('makes, from any parsed input, an operation the journal schema accepts as it is', () => {
    fc.assert(
      fc.property(input, fc.uuid(), atMs, (raw, id, at) => {
        const parsed = outboxOperationInputSchema.safeParse(raw);
        fc.pre(parsed.success);
        if (!parsed.success) return;
        const op = newOperation(parsed.data, id, at);
        expect(outboxOperationSchema.parse(op)).toEqual(op);
        expect(op).toMatchObject({ id, state: 'pending', attempts: 0, createdAt: new Date(at).toISOString() });
      }),
      { numRuns: 500 },
    );
  });

  it('refuses an id that is not a UUID (the one value it does not make itself)', () => {
    const parsed = outboxOperationInputSchema.parse({ kind: 'bind', requestId: '11111111-2222-4333-8444-555555555555', cardId: 'c', atr: '3b00', reader: 'r' });
    expect(() => newOperation(parsed, 'op-1', 0)).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
  });
});
