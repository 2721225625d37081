import type { z } from 'zod';
import {
  normalizeGuid,
  type CmProfileTemplate,
  type CmRequest,
  type CmSmartcard,
  type Guid,
  type RequestStatus,
  type SmartcardStatus,
} from '../../shared/cm';
import { StationError } from '../../shared/errors';
import {
  apiDisabledError,
  extractCorrelationId,
  httpFailure,
  isCmErrorBody,
  malformedResponse,
  outcomeUnknownAnswer,
  redirectError,
  transportFailure,
  type CmCallContext,
} from './errors';
import type { AuthAnswer } from './auth-challenge';
import type { CmCall } from './execution';
import { toCmProfileTemplate, toCmRequest, toCmSmartcard, type RequestNames } from './normalize';
import { type RetryPolicy, withRetries } from './retry';
import type { CmTransport } from './transport';
import {
  wireCreatedSmartcardSchema,
  wireOperationsSchema,
  wireProfileTemplateSchema,
  wireRequestSchema,
  wireSmartcardLookupSchema,
  wireSmartcardSchema,
} from './wire-schemas';

export interface CmClientOptions {
  /** e.g. `https://cm.contoso.com/CertificateManagement/api/v1.0/` (a missing final slash is added). */
  baseUrl: string;
  transport: CmTransport;
  /** Per call, covering connect, headers and body. */
  timeoutMs?: number;
  /** How many times a failed GET is repeated (offline, timeout, 5xx). POST and PUT never are. */
  getRetries?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** CM has no user names; a directory lookup (e.g. training mode's) can supply them. */
  userDisplayName?: (userUuid: Guid) => string | null;
  /** Told the outcome of every HTTP exchange (the diagnostic log); never the URL, a body or a card id. */
  onCall?: (outcome: CmCallOutcome) => void;
}

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

export interface BindCardInput {
  /** The CM request's Uuid. */
  requestId: string;
  /** The physical card id read from the card (minidriver CardID / CHUID GUID / UID as hex). */
  cardId: string;
  /** Answer-to-reset as hex; spaces and case do not matter. */
  atr: string;
}

export interface SetSmartcardStatusInput {
  requestId: string;
  /** CM's Uuid of the smart card, not the physical card id. */
  smartcardUuid: string;
  status: SmartcardStatus;
}

export interface CmClient {
  /** `POST /smartcards`: binds the card to the request; returns the new CM smart card's Uuid. */
  bindCard(input: BindCardInput): Promise<Guid>;
  /** `PUT /requests/{reqid}/smartcards/{scid}`: the updated card, or null when CM answers 204. */
  setSmartcardStatus(input: SetSmartcardStatusInput): Promise<CmSmartcard | null>;
  /** `GET /requests[?status=]`. */
  listRequests(filter?: { status?: RequestStatus }): Promise<CmRequest[]>;
  /** `GET /requests/{id}`: null when CM has no such request. */
  getRequest(requestId: string): Promise<CmRequest | null>;
  /** `GET /smartcards/{uuid}`: null when CM has no such card. */
  getSmartcard(smartcardUuid: string): Promise<CmSmartcard | null>;
  /**
   * `GET /smartcards?cardid=`: the CM card bound to a physical card, or null. This is how an
   * operation whose outcome is unknown (timeout, crash mid-send) is resolved before resending.
   */
  findSmartcardByCardId(cardId: string): Promise<CmSmartcard | null>;
  /**
   * Every record CM returns for a physical card. CM gives a card a new Uuid each time it is assigned
   * (FIM CM SDK), so earlier lives (Retired records) come back beside the live one, if any.
   */
  findSmartcardsByCardId(cardId: string): Promise<CmSmartcard[]>;
  /** `GET /smartcards/{uuid}/operations`: lowercased names such as `retire`. */
  getSmartcardOperations(smartcardUuid: string): Promise<string[]>;
  /** `GET /profiletemplates`: the templates CM lists for the signed-in operator. */
  listProfileTemplates(): Promise<CmProfileTemplate[]>;
}

const ROUTES = {
  listRequests: 'GET /requests',
  getRequest: 'GET /requests/{id}',
  listTemplates: 'GET /profiletemplates',
  bindCard: 'POST /smartcards',
  findSmartcard: 'GET /smartcards?cardid=',
  getSmartcard: 'GET /smartcards/{id}',
  operations: 'GET /smartcards/{id}/operations',
  setStatus: 'PUT /requests/{id}/smartcards/{id}',
} as const;

/**
 * A collection route that exists whenever the API is enabled (200 or 204, never 404). When a call
 * gets a 404 that is not Web API's own JSON error, this route is asked too: a 404 here as well
 * means the API is switched off on the server (`Clm.WebApi.Enabled`), not that an object is missing.
 */
const PROBE_PATH = 'profiletemplates';

interface Answer {
  status: number;
  text: string;
  auth?: AuthAnswer;
  location: string | null;
}

/**
 * IT may give the CM root (`https://cm/CertificateManagement`, what the CM portal shows) or the API
 * root (`…/CertificateManagement/api/v1.0/`): both become the API root, with its final slash, so
 * relative routes resolve under it. Other paths are kept as given (a reverse proxy may rename them).
 */
export function normalizeCmBaseUrl(url: URL): URL {
  const out = new URL(url.href);
  const path = out.pathname.replace(/\/+$/, '');
  if (/\/api\/v1\.0$/i.test(path)) out.pathname = `${path}/`;
  else if (/\/certificatemanagement$/i.test(path)) out.pathname = `${path}/api/v1.0/`;
  else out.pathname = `${path}/`;
  return out;
}

function badInput(message: string, field: string): StationError {
  return new StationError('BAD_REQUEST', message, { field });
}

function requireGuid(value: string, field: string): Guid {
  const guid = normalizeGuid(value);
  if (guid === null) throw badInput(`${field} must be a GUID.`, field);
  return guid;
}

/** A card id is a GUID (minidriver CardID, CHUID) or, for contactless cards, the UID as hex. */
function normalizeCardId(value: string): string {
  const guid = normalizeGuid(value);
  if (guid !== null) return guid;
  const hex = value.replace(/\s+/g, '').toLowerCase();
  if (/^(?:[0-9a-f]{2}){4,64}$/.test(hex)) return hex;
  throw badInput('The card id must be a GUID or a hex identifier.', 'cardId');
}

function normalizeAtr(value: string): string {
  const hex = value.replace(/[\s:]+/g, '').toLowerCase();
  // ISO 7816-3: an ATR is 2 to 33 bytes.
  if (!/^(?:[0-9a-f]{2}){2,33}$/.test(hex)) throw badInput('The ATR must be 2 to 33 bytes of hex.', 'atr');
  return hex;
}

/**
 * i16-cm (desk issuance), temporary: the client also hands out its classified exchange, so
 * cm/execution.ts (`createCmExecutionClient({ call })`) shares its timeout, retries, 404 probe and
 * error wording. To be rewired to cm/http.ts (i17) at merge.
 */
export interface CmClientWithCall extends CmClient {
  readonly call: CmCall;
}

export function createCmClient(options: CmClientOptions): CmClientWithCall {
  let base: URL;
  try {
    base = normalizeCmBaseUrl(new URL(options.baseUrl));
  } catch {
    // Translated: the typed error says which setting is wrong.
    throw new StationError('SETTINGS_INVALID', 'The CM address in settings is not a valid URL.', { field: 'baseUrl' });
  }
  if (base.protocol !== 'https:' && base.protocol !== 'http:') {
    throw new StationError('SETTINGS_INVALID', 'The CM address in settings must start with https://.', {
      field: 'baseUrl',
    });
  }
  const { transport } = options;
  const timeoutMs = options.timeoutMs ?? 15_000;
  if (!(timeoutMs > 0) || !Number.isInteger(options.getRetries ?? 0) || (options.getRetries ?? 0) < 0) {
    throw new StationError('SETTINGS_INVALID', 'The CM timeout must be positive and the retry count a whole number.', {
      field: 'timeoutMs',
    });
  }
  const backoff: RetryPolicy = {
    retries: options.getRetries ?? 2,
    backoff: { baseMs: options.backoffBaseMs ?? 250, maxMs: options.backoffMaxMs ?? 4_000, jitter: 0.5 },
    random: options.random ?? Math.random,
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
  };
  const userDisplayName = options.userDisplayName ?? (() => null);
  const onCall = options.onCall ?? (() => undefined);
  /** Template names for requests; refreshed by every successful template listing. */
  let templateNames: ReadonlyMap<Guid, string> | null = null;

  async function exchange(ctx: CmCallContext, path: string, body?: unknown): Promise<Answer> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const started = performance.now();
    const report = (status: number | null, correlationId: string | null, errorCode: string | null) =>
      onCall({ method: ctx.method, route: ctx.route, status, latencyMs: Math.round(performance.now() - started), correlationId, errorCode });
    try {
      const response = await transport(new URL(path, base).href, {
        method: ctx.method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: controller.signal,
        // A redirect is a configuration error to report, never followed with the operator's sign-in.
        redirect: 'manual',
      });
      // Read the body under the same timer: a server can stall after the headers.
      const auth = { host: base.hostname, wwwAuthenticate: response.headers.get('WWW-Authenticate'), failure: response.auth?.failure };
      const text = await response.text();
      report(response.status, response.status >= 400 ? extractCorrelationId(text) : null, null);
      return { status: response.status, text, auth, location: response.headers.get('location') };
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
      const probe = await exchange({ method: 'GET', route: ROUTES.listTemplates }, PROBE_PATH);
      return probe.status === 404 && !isCmErrorBody(probe.text);
    } catch {
      // The probe itself failed: we cannot tell, so report the original 404 as it stands.
      return false;
    }
  }

  /** One HTTP exchange; a failure status becomes its StationError. */
  async function callOnce(ctx: CmCallContext, path: string, body?: unknown): Promise<Answer> {
    const answer = await exchange(ctx, path, body);
    if (answer.status >= 200 && answer.status < 300) return answer;
    if (answer.status >= 300 && answer.status < 400) throw redirectError(answer.status, answer.location, ctx);
    if (answer.status === 404 && !isCmErrorBody(answer.text)) {
      const disabled = path === PROBE_PATH || (await isApiDisabled());
      if (disabled) throw apiDisabledError(ctx);
    }
    throw httpFailure(answer.status, answer.text, ctx, answer.auth);
  }

  function call(ctx: CmCallContext, path: string, body?: unknown): Promise<Answer> {
    // Only GETs are repeated: a POST or PUT whose outcome is unknown is resolved by asking CM first.
    return ctx.method === 'GET' ? withRetries(backoff, () => callOnce(ctx, path)) : callOnce(ctx, path, body);
  }

  function parse<S extends z.ZodType>(schema: S, answer: Answer, ctx: CmCallContext): z.output<S> {
    let json: unknown;
    try {
      json = JSON.parse(answer.text);
    } catch {
      // Translated: a malformed answer is a typed error (and the call outcome is logged by onCall).
      throw malformedResponse(ctx, answer.status, 'the body is not JSON');
    }
    const result = schema.safeParse(json);
    if (!result.success) {
      const issue = result.error.issues[0];
      const where = issue === undefined || issue.path.length === 0 ? 'body' : issue.path.join('.');
      throw malformedResponse(ctx, answer.status, `${where}: ${issue?.message ?? 'invalid'}`);
    }
    return result.data;
  }

  /** A GET whose "nothing there" (204, or 404 on the object) is null rather than an error. */
  async function getOptional<S extends z.ZodType>(
    schema: S,
    ctx: CmCallContext,
    path: string,
  ): Promise<z.output<S> | null> {
    try {
      const answer = await call(ctx, path);
      return answer.status === 204 ? null : parse(schema, answer, ctx);
    } catch (err) {
      if (err instanceof StationError && err.code === 'CM_NOT_FOUND') return null;
      throw err;
    }
  }

  async function getList<S extends z.ZodType>(schema: S, ctx: CmCallContext, path: string): Promise<z.output<S>[]> {
    const answer = await call(ctx, path);
    return answer.status === 204 ? [] : parse(schema.array(), answer, ctx);
  }

  async function listProfileTemplates(): Promise<CmProfileTemplate[]> {
    const templates = (await getList(wireProfileTemplateSchema, { method: 'GET', route: ROUTES.listTemplates }, PROBE_PATH)).map(
      toCmProfileTemplate,
    );
    templateNames = new Map(templates.map((t) => [t.uuid, t.name]));
    return templates;
  }

  /**
   * Template names come from one template listing, fetched the first time a request needs one.
   * Best effort: a request is still shown (by template GUID) if the listing fails.
   */
  async function requestNames(): Promise<RequestNames> {
    if (templateNames === null) {
      try {
        await listProfileTemplates();
      } catch (err) {
        if (!(err instanceof StationError)) throw err;
        // Not asked again with every request; the next explicit listing refreshes the names.
        templateNames = new Map();
      }
    }
    const names = templateNames;
    return { templateName: (uuid) => names?.get(uuid) ?? null, userDisplayName };
  }

  const smartcardRoute = (uuid: Guid) => `smartcards/${encodeURIComponent(uuid)}`;

  /**
   * `GET /smartcards?cardid=`: one object in the examples (MIMDocs/reference/get-smartcard-data.md),
   * a list accepted too. Records whose SerialNumber is another card's are dropped: a server that
   * ignored the filter must not make another card's record look like this one's.
   */
  async function findSmartcardsByCardId(cardId: string): Promise<CmSmartcard[]> {
    const id = normalizeCardId(cardId);
    const ctx: CmCallContext = { method: 'GET', route: ROUTES.findSmartcard };
    const wire = await getOptional(wireSmartcardLookupSchema, ctx, `smartcards?cardid=${encodeURIComponent(id)}`);
    if (wire === null) return [];
    return (Array.isArray(wire) ? wire : [wire]).map(toCmSmartcard).filter((card) => card.cardId === id);
  }

  return {
    // i16-cm, temporary (see CmClientWithCall).
    call: (method, path, route, body) => call({ method, route }, path, body),

    async bindCard(input) {
      const body = {
        requestid: requireGuid(input.requestId, 'requestId'),
        cardid: normalizeCardId(input.cardId),
        atr: normalizeAtr(input.atr),
      };
      const ctx: CmCallContext = { method: 'POST', route: ROUTES.bindCard };
      const answer = await call(ctx, 'smartcards', body);
      // Documented among the codes (assign-smartcard-to-request.md) but not explained: the card may be bound.
      if (answer.status !== 201 && answer.status !== 200) throw outcomeUnknownAnswer(ctx, answer.status);
      return parse(wireCreatedSmartcardSchema, answer, ctx);
    },

    async setSmartcardStatus(input) {
      const requestId = requireGuid(input.requestId, 'requestId');
      const smartcardUuid = requireGuid(input.smartcardUuid, 'smartcardUuid');
      const ctx: CmCallContext = { method: 'PUT', route: ROUTES.setStatus };
      const path = `requests/${encodeURIComponent(requestId)}/${smartcardRoute(smartcardUuid)}`;
      const answer = await call(ctx, path, { status: input.status });
      return answer.status === 204 ? null : toCmSmartcard(parse(wireSmartcardSchema, answer, ctx));
    },

    async listRequests(filter = {}) {
      const query = filter.status === undefined ? '' : `?status=${encodeURIComponent(filter.status)}`;
      const wire = await getList(wireRequestSchema, { method: 'GET', route: ROUTES.listRequests }, `requests${query}`);
      const names = await requestNames();
      return wire.map((w) => toCmRequest(w, names));
    },

    async getRequest(requestId) {
      const id = requireGuid(requestId, 'requestId');
      const ctx: CmCallContext = { method: 'GET', route: ROUTES.getRequest };
      const wire = await getOptional(wireRequestSchema, ctx, `requests/${encodeURIComponent(id)}`);
      return wire === null ? null : toCmRequest(wire, await requestNames());
    },

    async getSmartcard(smartcardUuid) {
      const id = requireGuid(smartcardUuid, 'smartcardUuid');
      const wire = await getOptional(wireSmartcardSchema, { method: 'GET', route: ROUTES.getSmartcard }, smartcardRoute(id));
      return wire === null ? null : toCmSmartcard(wire);
    },

    async findSmartcardByCardId(cardId) {
      const cards = await findSmartcardsByCardId(cardId);
      // The live record (Assigned or Active) is the one the card panel should describe.
      return cards.find((card) => card.status === 'Assigned' || card.status === 'Active') ?? cards[0] ?? null;
    },

    findSmartcardsByCardId,

    async getSmartcardOperations(smartcardUuid) {
      const id = requireGuid(smartcardUuid, 'smartcardUuid');
      const ctx: CmCallContext = { method: 'GET', route: ROUTES.operations };
      const answer = await call(ctx, `${smartcardRoute(id)}/operations`);
      return answer.status === 204 ? [] : parse(wireOperationsSchema, answer, ctx).map((op) => op.toLowerCase());
    },

    listProfileTemplates,
  };
}
