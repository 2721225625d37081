import { StationError } from '../../shared/errors';
import { MAX_VERIFIED_REFUSALS } from '../../shared/outbox';

/**
 * Refusals end (issue #9, part 4). Microsoft documents only 201/204/403/500 for a bind and
 * 200/204/403/500 for a status update (MIMDocs/reference/assign-smartcard-to-request.md,
 * update-smartcard-status.md), and unhandled exceptions become 500: so "request not approved" or
 * "card already in use" most likely arrive as a 500 with a Message. Such an answer is neither
 * "done" nor "try forever": it is checked against CM (a check that proves it done settles it),
 * otherwise counted, and after MAX_VERIFIED_REFUSALS refusals the operation needs a person, with
 * CM's own words. A refusal whose check could not be made still counts (so refusals always end);
 * its outcome stays unknown, so nothing is resent before it is proved.
 */

/**
 * CM looked at the call and answered with something other than success: check, then count. Not a
 * refusal: 401/403 (sign-in and permission are a person's matter at once), a 3xx or a disabled API
 * (configuration), and an outage (CM_UNAVAILABLE: a 502/503/504 or an error page that is not CM's
 * JSON came from IIS or a proxy in front of CM, cm-rest-api.md "Refusal or outage").
 */
export function isAnsweredRefusal(err: StationError): boolean {
  if (typeof err.details.status !== 'number') return false;
  return !['CM_AUTH_FAILED', 'CM_FORBIDDEN', 'CM_API_DISABLED', 'CM_REDIRECTED', 'CM_UNAVAILABLE'].includes(err.code);
}

/** True once this refusal (already verified "not done") is the last one allowed. */
export function refusalsExhausted(refusalsSoFar: number): boolean {
  return refusalsSoFar + 1 >= MAX_VERIFIED_REFUSALS;
}

/**
 * The needs-attention error after the last refusal: CM's words and id carried over. The text counts
 * only what happened: how many refusals CM answered, and how many of them a check showed not done.
 */
export function refusedError(
  kind: 'bind' | 'retire',
  cause: StationError,
  count: { refusals: number; checked: number } = { refusals: MAX_VERIFIED_REFUSALS, checked: MAX_VERIFIED_REFUSALS },
): StationError {
  const what = kind === 'bind' ? 'bind this card' : 'retire this card';
  const checked =
    count.checked === count.refusals
      ? 'each time the station checked and it was not done'
      : `the station could check ${count.checked} of them, and ${count.checked === 1 ? 'that one was' : 'those were'} not done`;
  return new StationError(
    'CM_REFUSED',
    `CM refused to ${what} ${count.refusals} times; ${checked}. ` +
      'It is not sent again on its own: check the request and the card in CM, then retry or discard.',
    {
      refusals: count.refusals,
      checkedRefusals: count.checked,
      status: cause.details.status ?? null,
      correlationId: cause.details.correlationId ?? null,
      serverMessage: cause.details.serverMessage ?? null,
      refusedWith: cause.code,
    },
  );
}

/** A live record for another request or user, or the request holds another card: both ids given. */
export function inUseError(cardId: string, smartcardUuid: string | null, otherRequestCard: string | null, cause: StationError | null = null): StationError {
  const parts: string[] = [];
  if (smartcardUuid !== null) parts.push(`CM already has this card (${cardId}) in use as smart card ${smartcardUuid}`);
  if (otherRequestCard !== null && otherRequestCard !== smartcardUuid) parts.push(`the request already holds another card, ${otherRequestCard}`);
  return new StationError(
    'CM_CARD_IN_USE',
    `${parts.join('; and ')}. Nothing was bound and nothing is sent again: use another card, or sort it out in CM first.`.replace(/^t/, 'T'),
    {
      cardId,
      smartcardUuid,
      otherRequestCard,
      ...(cause === null ? {} : { serverMessage: cause.details.serverMessage ?? null, correlationId: cause.details.correlationId ?? null }),
    },
  );
}

/** Nothing provable: a person decides, reading CM's own words when CM refused (`cause`). */
export function unprovenError(why: string, cause: StationError | null = null): StationError {
  return new StationError('CM_UNPROVEN', `The station could not prove whether CM carried this out: ${why} A person must check in CM.`, {
    why,
    ...(cause === null
      ? {}
      : { status: cause.details.status ?? null, correlationId: cause.details.correlationId ?? null, serverMessage: cause.details.serverMessage ?? null }),
  });
}
