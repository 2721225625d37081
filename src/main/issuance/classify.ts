import { StationError, toErrorPayload, type ErrorCode, type ErrorPayload } from '../../shared/errors';
import { PAUSED_ISSUANCE_RESUMES_WITH } from '../../shared/issuance-pauses';

/**
 * What a failure at an issuance step means. `paused`: the card or CM was not there (pulled card,
 * outage, another card in the reader); the issuance resumes by itself when the card is back or CM
 * answers again, or with "Issue now". `failed`: a person must look (a refusal, a wrong PIN, an
 * answer the station cannot use); "Issue now" tries again from the journal, and a step that cannot
 * be repeated safely (certificatedata) fails again by itself.
 */
export type FailureKind = 'paused' | 'failed';

/** What pauses a run, not fails it: the shared table the progress screen words too. */
const PAUSING: ReadonlySet<ErrorCode> = new Set(Object.keys(PAUSED_ISSUANCE_RESUMES_WITH) as ErrorCode[]);

/**
 * PC/SC answers that say nothing about the card itself (the connection's handle was lost, the card
 * was reset by another program, a sharing conflict): the card is still there, so the service tries
 * the paused run again by itself, a bounded number of times (service.ts), and the CLI's `issue`
 * waits for that before it reports the pause (cli/issue.ts).
 */
export const TRANSIENT_CARD: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['PCSC_SERVICE_DOWN', 'PCSC_CARD_RESET', 'PCSC_SHARING_VIOLATION']);
/** How many times the service runs such a paused issuance again by itself (service.ts) before it stays paused. */
export const TRANSIENT_CARD_RETRIES = 2;

/**
 * CM was not reached, or did not answer: the line to CM, not the request. CM_UNAVAILABLE is a 502/503/504
 * or an error page from something in front of CM (issue 17: an outage, never a refusal).
 */
const CM_UNREACHABLE: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['CM_OFFLINE', 'CM_TIMEOUT', 'CM_UNAVAILABLE', 'CM_API_DISABLED', 'CM_AUTH_FAILED']);

/** CM answered the call with an HTTP error: it looked at it and said no (cm/errors.ts). */
export const CM_ANSWERED_NO: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'CM_SERVER_ERROR',
  'CM_FORBIDDEN',
  'CM_NOT_FOUND',
  'CM_CONFLICT',
  'CM_CLIENT_ERROR',
  'CM_REFUSED',
]);

export function asStationError(err: unknown): StationError {
  return err instanceof StationError ? err : StationError.fromPayload(toErrorPayload(err));
}

export function classifyFailure(err: unknown): { kind: FailureKind; error: ErrorPayload } {
  const e = asStationError(err);
  if (CM_UNREACHABLE.has(e.code)) {
    const wrapped = new StationError('ISSUANCE_NEEDS_CM', `Issuing the card needs CM, which is not reachable now (${e.message}). It goes on when CM answers.`, {
      ...e.details,
      cause: e.code,
    });
    return { kind: 'paused', error: wrapped.toPayload() };
  }
  return { kind: PAUSING.has(e.code) ? 'paused' : 'failed', error: e.toPayload() };
}

/**
 * Whether a failed POST certainly did not reach CM: the CM client says so for a connection that was
 * refused, a name that did not resolve, or a network that was unreachable (`outcomeUnknown: false`).
 * Anything it does not say is treated as "may have reached CM".
 */
export function certainlyNotSent(err: StationError): boolean {
  return (err.code === 'CM_OFFLINE' || err.code === 'CM_TIMEOUT') && err.details['outcomeUnknown'] === false;
}

export function needsPerson(message: string, details: Record<string, string | number | boolean | null> = {}): StationError {
  return new StationError('ISSUANCE_NEEDS_PERSON', message, details);
}
