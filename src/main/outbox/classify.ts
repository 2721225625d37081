import { StationError, type ErrorCode } from '../../shared/errors';

/**
 * What a failed CM call means for a queued operation.
 *
 * | code                   | disposition      | pauses the queue | may have reached CM (send) |
 * |------------------------|------------------|------------------|----------------------------|
 * | CM_OFFLINE             | retry, back-off  | yes              | details.outcomeUnknown     |
 * | CM_TIMEOUT             | retry, back-off  | yes              | details.outcomeUnknown     |
 * | CM_UNAVAILABLE (502/503/504, an error page that is not CM's JSON) | retry, back-off | yes | details.outcomeUnknown |
 * | CM_SERVER_ERROR (500 with CM's JSON Message) | retry, back-off | no | yes             |
 * | CM_API_DISABLED        | retry, max delay | yes ("blocked")  | no                         |
 * | CM_AUTH_FAILED (401)   | retry, back-off  | yes              | details.outcomeUnknown     |
 * | CM_FORBIDDEN (403)     | needs attention  | no               | no                         |
 * | CM_NOT_FOUND (404)     | needs attention  | no               | no                         |
 * | CM_CONFLICT (409)      | needs attention  | no               | no                         |
 * | CM_CLIENT_ERROR (4xx)  | needs attention  | no               | no                         |
 * | CM_MALFORMED_RESPONSE  | needs attention  | no               | yes                        |
 * | anything else          | needs attention  | no               | yes                        |
 *
 * - Offline and timeouts say nothing about the operation, only about the line to CM: every other
 *   operation would fail the same way, so the whole queue waits for this operation's back-off
 *   instead of burning one attempt per operation.
 * - API disabled (404 on every route) is a server setting, not a fault of the operation: making
 *   every operation "needs attention" would force the operator to retry each one by hand once IT
 *   flips the switch. The operations stay pending and the queue is blocked for the longest back-off
 *   step; `setOnline(true)` or `replayNow()` lifts the block at once.
 * - 4xx means CM looked at the call and refused it: retrying will not change that, a person must.
 * - A malformed answer to a POST may well be a 201 we could not read: the bind may have happened,
 *   so it is marked outcome-unknown, and its retry asks CM first. It needs a person because an
 *   endpoint that answers garbage will keep doing so.
 * - "May have reached CM" decides `outcomeUnknown` after a send: the CM client reports it for
 *   network failures (refused/DNS/unreachable never left the PC; a reset or a timeout may have);
 *   when an error does not say, assume it did: the price is one lookup before the next send.
 */
export type FailureDisposition =
  { kind: 'retry'; delay: 'backoff' | 'max'; pauseQueue: boolean; mayHaveReachedCm: boolean } | { kind: 'needs-attention'; mayHaveReachedCm: boolean };

const REFUSED_BY_CM: ReadonlySet<ErrorCode> = new Set(['CM_AUTH_FAILED', 'CM_FORBIDDEN', 'CM_NOT_FOUND', 'CM_CONFLICT', 'CM_CLIENT_ERROR']);

export function classifyFailure(err: StationError): FailureDisposition {
  switch (err.code) {
    // CM_AUTH_FAILED: sign-in (no ticket yet, expired, SPN not set) is this PC's line to CM, not the operation.
    // CM_UNAVAILABLE: IIS, ARR or a proxy answered for CM (503 page): the line to CM, not a refusal.
    case 'CM_OFFLINE':
    case 'CM_TIMEOUT':
    case 'CM_UNAVAILABLE':
    case 'CM_AUTH_FAILED':
      return { kind: 'retry', delay: 'backoff', pauseQueue: true, mayHaveReachedCm: err.details.outcomeUnknown !== false };
    case 'CM_SERVER_ERROR':
      return { kind: 'retry', delay: 'backoff', pauseQueue: false, mayHaveReachedCm: true };
    case 'CM_API_DISABLED':
      return { kind: 'retry', delay: 'max', pauseQueue: true, mayHaveReachedCm: false };
    default:
      return { kind: 'needs-attention', mayHaveReachedCm: !REFUSED_BY_CM.has(err.code) };
  }
}

/** The port promises StationError; anything else is a bug in an adapter, kept but not trusted. */
export function asStationError(err: unknown): StationError {
  if (err instanceof StationError) return err;
  return new StationError('INTERNAL', 'The CM call failed unexpectedly inside the station.', {
    problem: err instanceof Error ? err.message.slice(0, 300) : String(err).slice(0, 300),
  });
}

export function correlationIdOf(err: StationError): string | null {
  const value = err.details.correlationId;
  return typeof value === 'string' ? value : null;
}
