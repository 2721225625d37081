import type { StationError } from '../../shared/errors';
import type { AuthAnswer, AuthReport } from './auth-challenge';
import { apiDisabledError, extractCorrelationId, httpFailure, isCmErrorBody, redirectError, transportFailure, type CmCallContext } from './errors';
import type { CmTransport } from './transport';

/**
 * The one CM HTTP layer (issue #19): the exchange (timeout over headers and body, no redirect
 * followed, the call outcome for the diagnostic log) and its classification into StationErrors, used
 * by the client (client.ts), cm-check (check.ts) and the execution routes alike, so a 503 page, a
 * redirect or an API switched off reads the same everywhere.
 */

/** One exchange with CM as support needs it: which route, how it ended, how long it took. */
export interface CmCallOutcome {
  method: CmCallContext['method'];
  /** The route template (`GET /smartcards/{id}`), never the URL with its ids or card id. */
  route: string;
  /** HTTP status, or null when no answer came (offline, timeout). */
  status: number | null;
  latencyMs: number;
  /** CM's correlation id from an error answer, for the CM administrator. */
  correlationId: string | null;
  /** The transport failure's code (CM_OFFLINE, CM_TIMEOUT) when there was no answer. */
  errorCode: string | null;
}

/** What came back, whatever the status. */
export interface CmAnswer {
  status: number;
  text: string;
  headers: { get(name: string): string | null };
  /** For the wording of a 401 (auth-challenge.ts). */
  auth: AuthAnswer;
  /** How the transport signed in, when it says (the Node Negotiate transport does). */
  authReport: AuthReport | undefined;
  location: string | null;
}

/** One call: `path` is relative to the API root; `route` is the template logged and shown (`GET /requests/{id}`). */
export interface CmCallInput {
  method: CmCallContext['method'];
  path: string;
  route: string;
  /** Sent as JSON when present. */
  body?: unknown;
}

export interface CmHttp {
  /** The API root every path resolves under. */
  readonly base: URL;
  /** The raw exchange: any status comes back; only a transport failure (no answer) throws. */
  exchange(input: CmCallInput): Promise<CmAnswer>;
  /** One classified exchange: a 2xx comes back, anything else throws its StationError. Never repeated. */
  call(input: CmCallInput): Promise<CmAnswer>;
  /** A non-2xx answer as its StationError (a 404 is checked against the probe route first). */
  classify(input: CmCallInput, answer: CmAnswer): Promise<StationError>;
}

export interface CmHttpOptions {
  base: URL;
  transport: CmTransport;
  timeoutMs: number;
  onCall?: (outcome: CmCallOutcome) => void;
}

/**
 * A collection route that exists whenever the API is enabled (200 or 204, never 404). When a call
 * gets a 404 that is not Web API's own JSON error, this route is asked too: a 404 here as well
 * means the API is switched off on the server (`Clm.WebApi.Enabled`), not that an object is missing.
 */
export const PROBE_PATH = 'profiletemplates';
export const PROBE_ROUTE = 'GET /profiletemplates';

export function createCmHttp(options: CmHttpOptions): CmHttp {
  const { base, transport, timeoutMs } = options;
  const onCall = options.onCall ?? (() => undefined);

  async function exchange(input: CmCallInput): Promise<CmAnswer> {
    const ctx: CmCallContext = { method: input.method, route: input.route };
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (input.body !== undefined) headers['Content-Type'] = 'application/json';
    const started = performance.now();
    const report = (status: number | null, correlationId: string | null, errorCode: string | null) =>
      onCall({ method: ctx.method, route: ctx.route, status, latencyMs: Math.round(performance.now() - started), correlationId, errorCode });
    try {
      const response = await transport(new URL(input.path, base).href, {
        method: ctx.method,
        headers,
        ...(input.body === undefined ? {} : { body: JSON.stringify(input.body) }),
        signal: controller.signal,
        // A redirect is a configuration error to report, never followed with the operator's sign-in.
        redirect: 'manual',
      });
      // Read the body under the same timer: a server can stall after the headers.
      const auth: AuthAnswer = { host: base.hostname, wwwAuthenticate: response.headers.get('WWW-Authenticate'), failure: response.auth?.failure };
      const text = await response.text();
      report(response.status, response.status >= 400 ? extractCorrelationId(text) : null, null);
      return { status: response.status, text, headers: response.headers, auth, authReport: response.auth, location: response.headers.get('location') };
    } catch (err) {
      const failure = transportFailure(err, ctx, timedOut, timeoutMs);
      report(null, null, failure.code);
      throw failure;
    } finally {
      clearTimeout(timer);
    }
  }

  async function isApiDisabled(): Promise<boolean> {
    try {
      const probe = await exchange({ method: 'GET', path: PROBE_PATH, route: PROBE_ROUTE });
      return probe.status === 404 && !isCmErrorBody(probe.text);
    } catch {
      // The probe itself failed: we cannot tell, so report the original 404 as it stands.
      return false;
    }
  }

  async function classify(input: CmCallInput, answer: CmAnswer): Promise<StationError> {
    const ctx: CmCallContext = { method: input.method, route: input.route };
    if (answer.status >= 300 && answer.status < 400) return redirectError(answer.status, answer.location, ctx);
    if (answer.status === 404 && !isCmErrorBody(answer.text)) {
      const disabled = input.path === PROBE_PATH || (await isApiDisabled());
      if (disabled) return apiDisabledError(ctx);
    }
    return httpFailure(answer.status, answer.text, ctx, answer.auth);
  }

  return {
    base,
    exchange,
    classify,
    async call(input) {
      const answer = await exchange(input);
      if (answer.status >= 200 && answer.status < 300) return answer;
      throw await classify(input, answer);
    },
  };
}
