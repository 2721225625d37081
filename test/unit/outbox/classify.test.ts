import { describe, expect, it } from 'vitest';
import { classifyFailure } from '../../../src/main/outbox';
import { isAnsweredRefusal, refusedError } from '../../../src/main/outbox/refusals';
import { StationError, type ErrorCode } from '../../../src/shared/errors';

describe('classifyFailure', () => {
  it.each<[ErrorCode, Record<string, boolean>, ReturnType<typeof classifyFailure>]>([
    ['CM_OFFLINE', { outcomeUnknown: false }, { kind: 'retry', delay: 'backoff', pauseQueue: true, mayHaveReachedCm: false }],
    ['CM_OFFLINE', { outcomeUnknown: true }, { kind: 'retry', delay: 'backoff', pauseQueue: true, mayHaveReachedCm: true }],
    ['CM_TIMEOUT', {}, { kind: 'retry', delay: 'backoff', pauseQueue: true, mayHaveReachedCm: true }],
    ['CM_SERVER_ERROR', {}, { kind: 'retry', delay: 'backoff', pauseQueue: false, mayHaveReachedCm: true }],
    // Issue #17, part 4: a 502/503/504 or an IIS page is the line to CM, like offline.
    ['CM_UNAVAILABLE', { outcomeUnknown: false }, { kind: 'retry', delay: 'backoff', pauseQueue: true, mayHaveReachedCm: false }],
    ['CM_UNAVAILABLE', { outcomeUnknown: true }, { kind: 'retry', delay: 'backoff', pauseQueue: true, mayHaveReachedCm: true }],
    ['CM_API_DISABLED', {}, { kind: 'retry', delay: 'max', pauseQueue: true, mayHaveReachedCm: false }],
    // Sign-in is the PC's line to CM (no ticket yet, SPN missing), not the operation: it stays pending.
    ['CM_AUTH_FAILED', { outcomeUnknown: false }, { kind: 'retry', delay: 'backoff', pauseQueue: true, mayHaveReachedCm: false }],
    // A server that answered without proving it is CM (mutual authentication) may have carried out a POST.
    ['CM_AUTH_FAILED', { outcomeUnknown: true }, { kind: 'retry', delay: 'backoff', pauseQueue: true, mayHaveReachedCm: true }],
    ['CM_FORBIDDEN', {}, { kind: 'needs-attention', mayHaveReachedCm: false }],
    ['CM_NOT_FOUND', {}, { kind: 'needs-attention', mayHaveReachedCm: false }],
    ['CM_CONFLICT', {}, { kind: 'needs-attention', mayHaveReachedCm: false }],
    ['CM_CLIENT_ERROR', {}, { kind: 'needs-attention', mayHaveReachedCm: false }],
    ['CM_MALFORMED_RESPONSE', {}, { kind: 'needs-attention', mayHaveReachedCm: true }],
    ['INTERNAL', {}, { kind: 'needs-attention', mayHaveReachedCm: true }],
  ])('%s %j', (code, details, expected) => {
    expect(classifyFailure(new StationError(code, 'x', details))).toEqual(expected);
  });
});

// Issue #17, part 4 (cm-rest-api.md "Refusal or outage"): only CM's own answer is a refusal, and the
// final text counts only the refusals a check showed not done.
describe('refusals', () => {
  it("an outage with a status (503 page) is never an answered refusal; CM's 500 with its Message is", () => {
    expect(isAnsweredRefusal(new StationError('CM_UNAVAILABLE', 'x', { status: 503 }))).toBe(false);
    expect(isAnsweredRefusal(new StationError('CM_SERVER_ERROR', 'x', { status: 500 }))).toBe(true);
  });

  it('the CM_REFUSED text says how many refusals were checked', () => {
    const cause = new StationError('CM_SERVER_ERROR', 'x', { status: 500, serverMessage: 'An error has occurred.' });
    expect(refusedError('bind', cause, { refusals: 3, checked: 3 }).message).toMatch(
      /^CM refused to bind this card 3 times; each time the station checked and it was not done\./,
    );
    const partly = refusedError('bind', cause, { refusals: 3, checked: 2 });
    expect(partly.message).toMatch(/^CM refused to bind this card 3 times; the station could check 2 of them, and those were not done\./);
    expect(partly.details).toMatchObject({ refusals: 3, checkedRefusals: 2, serverMessage: 'An error has occurred.' });
  });
});
