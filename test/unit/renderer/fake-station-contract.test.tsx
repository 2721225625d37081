import { describe, expect, it } from 'vitest';
import { operation, snapshot } from './support/fixtures';
import { Refusal, scriptedStation, takeContractViolations } from './support/station';

// The fake station the screens are tested against may only send what the real one can: answers,
// refusals and events are checked against the contract's schemas, and a mismatch fails the test.

describe('the renderer tests’ fake station', () => {
  it('passes answers and events that satisfy the contract', async () => {
    const station = scriptedStation({ 'outbox.list': () => [operation()], 'station.snapshot': () => snapshot() });
    await expect(station.bridge.invoke('outbox.list', {})).resolves.toEqual({ ok: true, value: [operation()] });
    await expect(station.bridge.invoke('station.snapshot', {})).resolves.toMatchObject({ ok: true });
    station.fire('outbox.changed', [operation({ state: 'done' })]);
    expect(takeContractViolations()).toEqual([]);
  });

  it('refuses an answer, a refusal or an event outside the contract, and records it for the test to fail', async () => {
    const station = scriptedStation({
      // A retire carrying a bind's fields: the station's strict schema would never produce it.
      'outbox.list': () => [{ ...operation(), kind: 'retire' }],
      'outbox.retry': () => new Refusal({ code: 'NOT_A_CODE', message: 'x', details: {} } as never),
    });
    await expect(station.bridge.invoke('outbox.list', {})).rejects.toThrow(/broke the contract: outbox.list response/);
    await expect(station.bridge.invoke('outbox.retry', { id: operation().id })).rejects.toThrow(/outbox.retry refusal/);
    expect(() => station.fire('connection.changed', { mode: 'sideways' })).toThrow(/connection.changed event/);
    expect(takeContractViolations()).toHaveLength(3);
  });
});
