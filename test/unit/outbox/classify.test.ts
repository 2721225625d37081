import { describe, expect, it } from 'vitest';
import { classifyFailure } from '../../../src/main/outbox';
import { StationError, type ErrorCode } from '../../../src/shared/errors';

describe('classifyFailure', () => {
  it.each<[ErrorCode, Record<string, boolean>, ReturnType<typeof classifyFailure>]>([
    ['CM_OFFLINE', { outcomeUnknown: false }, { kind: 'retry', delay: 'backoff', pauseQueue: true, mayHaveReachedCm: false }],
    ['CM_OFFLINE', { outcomeUnknown: true }, { kind: 'retry', delay: 'backoff', pauseQueue: true, mayHaveReachedCm: true }],
    ['CM_TIMEOUT', {}, { kind: 'retry', delay: 'backoff', pauseQueue: true, mayHaveReachedCm: true }],
    ['CM_SERVER_ERROR', {}, { kind: 'retry', delay: 'backoff', pauseQueue: false, mayHaveReachedCm: true }],
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
