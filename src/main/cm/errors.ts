import { StationError, type ErrorDetails } from '../../shared/errors';
import { authFailedError, type AuthAnswer } from './auth-challenge';
import { wireErrorSchema } from './wire-schemas';

/**
 * Every CM failure becomes one StationError code with a message that tells the operator what
 * happened and what to do. Raw server text never reaches the message (it may be technical or
 * localised); only CM's correlation id does, because the CM administrator needs it. CM's own text
 * travels beside it, verbatim and bounded, in `details.serverMessage`.
 */

export type CmMethod = 'GET' | 'POST' | 'PUT';

/** Which call failed: a route template (`PUT /requests/{id}/smartcards/{id}`), never a full URL. */
export interface CmCallContext {
  method: CmMethod;
  route: string;
}

/**
 * POST and PUT that failed after the request may have reached CM: the operation may or may not
 * have happened, so the caller must check CM (e.g. `findSmartcardByCardId`) before sending again.
 */
function outcomeUnknown(ctx: CmCallContext, reachedServer: boolean): boolean {
  return ctx.method !== 'GET' && reachedServer;
}

const UNKNOWN_OUTCOME_HINT = ' CM may or may not have carried out the operation; the station checks with CM before sending it again.';

const OFFLINE_HINT = ' The station keeps working offline and sends queued operations when CM answers again.';

type NetworkReason = 'refused' | 'dns' | 'unreachable' | 'reset' | 'tls' | 'timeout' | 'other';

/** Node (undici) and Electron (Chromium net::ERR_*) name the same failures differently. */
const NETWORK_REASONS: ReadonlyArray<readonly [RegExp, NetworkReason]> = [
  [/ECONNREFUSED|ERR_CONNECTION_REFUSED/, 'refused'],
  [/ENOTFOUND|EAI_AGAIN|EAI_NONAME|ERR_NAME_NOT_RESOLVED|ERR_NAME_RESOLUTION_FAILED/, 'dns'],
  [/ENETUNREACH|EHOSTUNREACH|ENETDOWN|ERR_INTERNET_DISCONNECTED|ERR_ADDRESS_UNREACHABLE|ERR_NETWORK_CHANGED/, 'unreachable'],
  [/ECONNRESET|EPIPE|UND_ERR_SOCKET|UND_ERR_CLOSED|ERR_CONNECTION_RESET|ERR_CONNECTION_CLOSED|ERR_EMPTY_RESPONSE|other side closed|terminated/i, 'reset'],
  [/CERT|SSL|TLS|ERR_BAD_SSL/i, 'tls'],
  [/ETIMEDOUT|UND_ERR_CONNECT_TIMEOUT|UND_ERR_HEADERS_TIMEOUT|UND_ERR_BODY_TIMEOUT|ERR_TIMED_OUT|ERR_CONNECTION_TIMED_OUT/, 'timeout'],
];

/** Codes and messages along an error's cause chain (fetch wraps the socket error in `cause`). */
function describeChain(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const record = current as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
    if (typeof record.code === 'string') parts.push(record.code);
    if (typeof record.message === 'string') parts.push(record.message);
    if (Array.isArray(record.errors)) parts.push(...record.errors.map(describeChain));
    current = record.cause;
  }
  return parts.join(' ');
}

function networkReason(err: unknown): NetworkReason {
  const text = describeChain(err);
  return NETWORK_REASONS.find(([pattern]) => pattern.test(text))?.[1] ?? 'other';
}

const OFFLINE_MESSAGES: Readonly<Record<Exclude<NetworkReason, 'timeout'>, string>> = {
  refused: 'The CM server refused the connection: check that the CM server and its web site (IIS) are running.',
  dns: 'The CM server name could not be found: check the CM address in settings and the network connection.',
  unreachable: 'The CM server cannot be reached: check the network connection of this PC.',
  reset: 'The connection to the CM server was cut off before it answered.',
  tls: "The CM server's certificate was not accepted: ask IT to check the server certificate and this PC's trusted roots.",
  other: 'The CM server could not be reached.',
};

function timeoutError(ctx: CmCallContext, timeoutMs: number, reachedServer: boolean): StationError {
  const unknown = outcomeUnknown(ctx, reachedServer);
  return new StationError('CM_TIMEOUT', `CM did not answer within ${Math.round(timeoutMs / 100) / 10} s.` + (unknown ? UNKNOWN_OUTCOME_HINT : OFFLINE_HINT), {
    ...base(ctx),
    reason: 'timeout',
    outcomeUnknown: unknown,
  });
}

function base(ctx: CmCallContext): ErrorDetails {
  return { method: ctx.method, route: ctx.route };
}

/**
 * The transport threw (nothing usable came back). `timedOut` is true when the station's own timer
 * aborted the call.
 */
export function transportFailure(err: unknown, ctx: CmCallContext, timedOut: boolean, timeoutMs: number): StationError {
  const reason = timedOut ? 'timeout' : networkReason(err);
  // Refused, DNS and unreachable fail before a request leaves the PC; the others may not.
  const reachedServer = reason === 'reset' || reason === 'timeout' || reason === 'other';
  if (reason === 'timeout') return timeoutError(ctx, timeoutMs, reachedServer);
  const unknown = outcomeUnknown(ctx, reachedServer);
  return new StationError('CM_OFFLINE', OFFLINE_MESSAGES[reason] + (unknown ? UNKNOWN_OUTCOME_HINT : OFFLINE_HINT), {
    ...base(ctx),
    reason,
    outcomeUnknown: unknown,
  });
}

const GUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const CORRELATION_ID = new RegExp(`correlation[\\s\\S]{0,60}?\\{?(${GUID})`, 'i');

/** CM's own words are kept verbatim up to this many characters (issue #9: "bounded, e.g. 2 KB"). */
export const SERVER_MESSAGE_MAX = 2048;

/**
 * CM puts the correlation id inside the error message text (cm-rest-api.md: "Unhandled server
 * errors are 500 with a correlation id inside the error message"). Only a GUID the message calls a
 * correlation id is one: refusals also name request and card GUIDs, which stay in CM's message
 * (issue #17, part 6).
 */
export function extractCorrelationId(body: string): string | null {
  return CORRELATION_ID.exec(body)?.[1]?.toLowerCase() ?? null;
}

/**
 * Answers that come from something in front of CM, not from CM: a 502, 503 or 504 (IIS, ARR, a
 * proxy or a load balancer saying CM is not there), or any error page that is not CM's JSON
 * `{"Message"}` (cm-rest-api.md, "Refusal or outage"). 401, 403 and 404 keep their own meaning
 * (sign-in, permission, the API-off probe). These are outages: retried with back-off, never
 * counted as CM refusing.
 */
export function isOutageAnswer(status: number, body: string): boolean {
  if (status === 502 || status === 503 || status === 504) return true;
  if (status < 400 || status === 401 || status === 403 || status === 404) return false;
  return !isCmErrorBody(body);
}

/** True when the body is Web API's own JSON error: the API itself answered, not IIS. */
export function isCmErrorBody(body: string): boolean {
  try {
    return wireErrorSchema.safeParse(JSON.parse(body)).success;
  } catch {
    // Not JSON means not Web API's error body: the answer is the result, nothing failed.
    return false;
  }
}

/**
 * What the server said, verbatim and bounded: Web API's `{"Message": ...}` (the shape is inferred,
 * see cm-rest-api.md), otherwise the text of whatever came back (an IIS HTML page loses its tags).
 * Kept beside the station's own wording so the CM administrator sees CM's words.
 */
export function serverMessageOf(body: string): string | null {
  let text: string;
  try {
    const parsed = wireErrorSchema.safeParse(JSON.parse(body));
    text = parsed.success ? parsed.data.Message : body;
  } catch {
    // Not JSON: CM's text is kept as it came (bounded below).
    text = body;
  }
  if (/<[a-z!/][^>]*>/i.test(text)) {
    text = text
      .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
      .replace(/<[^>]*>/g, ' ')
      .replace(/&nbsp;/g, ' ')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&')
      .replace(/\s+/g, ' ');
  }
  text = text.trim();
  return text === '' ? null : text.slice(0, SERVER_MESSAGE_MAX);
}

export function apiDisabledError(ctx: CmCallContext): StationError {
  return new StationError(
    'CM_API_DISABLED',
    'The CM REST API is switched off on the server: every address answers "not found". Ask the CM administrator ' +
      "to set Clm.WebApi.Enabled to true in CM's web.config and run iisreset.",
    { ...base(ctx), status: 404 },
  );
}

/** An HTTP answer that is not a success. A 404 arrives here only once it is known to be an object's. */
export function httpFailure(status: number, body: string, ctx: CmCallContext, auth?: AuthAnswer): StationError {
  // CM's own words and any id in them travel with every failure (issue #9, part 5).
  const details: ErrorDetails = { ...base(ctx), status, serverMessage: serverMessageOf(body), correlationId: extractCorrelationId(body) };
  if (status === 401) {
    // Worded by the schemes CM offers and why our token failed (auth-challenge.ts).
    return authFailedError(details, auth);
  }
  if (isOutageAnswer(status, body)) {
    // A POST or PUT that got a gateway's page may still have reached CM behind it.
    const unknown = outcomeUnknown(ctx, true);
    return new StationError(
      'CM_UNAVAILABLE',
      `The web server in front of CM answered HTTP ${status} instead of CM (CM is down, restarting or overloaded).` +
        (unknown ? UNKNOWN_OUTCOME_HINT : OFFLINE_HINT),
      { ...details, outcomeUnknown: unknown },
    );
  }
  if (status === 403) {
    return new StationError(
      'CM_FORBIDDEN',
      'Your account has no permission in CM for this request or card. Ask a CM administrator to check your ' + "permissions on the request's profile template.",
      details,
    );
  }
  if (status === 404) {
    return new StationError(
      'CM_NOT_FOUND',
      'CM does not know this request or card. It may have been removed; refresh the list and check the identifier.',
      details,
    );
  }
  if (status === 409) {
    return new StationError(
      'CM_CONFLICT',
      'CM refused because the request or card is not in a state that allows this (for example the request is no ' +
        'longer approved, or the card is already bound). Refresh the request and check it in CM.',
      details,
    );
  }
  if (status >= 500) {
    const correlationId = extractCorrelationId(body);
    return new StationError(
      'CM_SERVER_ERROR',
      correlationId === null
        ? `The CM server had an internal error (HTTP ${status}). Try again; if it persists, tell the CM administrator the time it happened.`
        : `The CM server had an internal error (HTTP ${status}). Give the CM administrator the correlation id ${correlationId}: ` +
            "it finds the details in the server's event log.",
      details,
    );
  }
  return new StationError(
    'CM_CLIENT_ERROR',
    `CM rejected the call (HTTP ${status}). The station or the CM server version may not match; report this with its details.`,
    details,
  );
}

export function malformedResponse(ctx: CmCallContext, status: number, problem: string): StationError {
  return new StationError(
    'CM_MALFORMED_RESPONSE',
    "CM's answer could not be understood. Check that the CM address in settings points at the CM REST API " +
      '(…/CertificateManagement/api/v1.0/); if it does, report this with its details.',
    // A 2xx a POST or PUT could not read back may well have been carried out.
    { ...base(ctx), status, problem: problem.slice(0, 300), outcomeUnknown: outcomeUnknown(ctx, true) },
  );
}

/**
 * A 3xx: the address in settings is not the API's (IIS sends the browser elsewhere, e.g. to a
 * sign-in page or the https site). That is a configuration error naming the target, never
 * "offline": redirects are not followed, so the operator's credentials never go to the target.
 */
export function redirectError(status: number, location: string | null, ctx: CmCallContext): StationError {
  const target = location === null ? null : location.slice(0, 500);
  return new StationError(
    'CM_REDIRECTED',
    `The CM address in settings answers with a redirect (HTTP ${status})` +
      (target === null ? '' : ` to ${target}`) +
      '. Ask IT to set the CM address to the REST API itself (…/CertificateManagement/api/v1.0/).',
    { ...base(ctx), status, location: target },
  );
}

/**
 * CM answered 204 where the docs promise a result (a bind without the new card's URI, a retire
 * without the card): the operation may or may not have been carried out. The outbox settles it by
 * asking CM (MIMDocs/reference/assign-smartcard-to-request.md and update-smartcard-status.md both
 * list 204 among the codes without saying what it means).
 */
export function outcomeUnknownAnswer(ctx: CmCallContext, status: number): StationError {
  return new StationError('CM_OUTCOME_UNKNOWN', `CM answered HTTP ${status} without saying what it did.` + UNKNOWN_OUTCOME_HINT, {
    ...base(ctx),
    status,
    outcomeUnknown: true,
  });
}
