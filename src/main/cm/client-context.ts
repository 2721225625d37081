import type { z } from 'zod';
import { normalizeGuid, type Guid } from '../../shared/cm';
import { cmCardIdFromText } from '../../shared/card-id';
import { StationError } from '../../shared/errors';
import type { CmCallContext } from './errors';
import { createCmHttp, type CmAnswer, type CmCallOutcome } from './http';
import { readCmBody } from './read-body';
import { type RetryPolicy, withRetries } from './retry';
import type { CmTransport } from './transport';

/**
 * What every group of client operations (client-requests.ts, client-smartcards.ts,
 * client-templates.ts) shares: one classified exchange with this client's retries, and the reading
 * of an answer against its wire schema. Built once per client from its options (client.ts).
 */
export interface CmClientContext {
  /** One classified exchange; only GETs are repeated (a POST or PUT whose outcome is unknown is resolved by asking CM first). */
  call(ctx: CmCallContext, path: string, body?: unknown): Promise<CmAnswer>;
  /** The answer's body read against its wire schema; anything else is a typed CM_MALFORMED_RESPONSE. */
  parse<S extends z.ZodType>(schema: S, answer: CmAnswer, ctx: CmCallContext): z.output<S>;
  /** A GET whose "nothing there" (204, or 404 on the object) is null rather than an error. */
  getOptional<S extends z.ZodType>(schema: S, ctx: CmCallContext, path: string): Promise<z.output<S> | null>;
  /** A GET of a list; 204 is the empty list. */
  getList<S extends z.ZodType>(schema: S, ctx: CmCallContext, path: string): Promise<z.output<S>[]>;
}

/** How the client reaches CM (client.ts's CmClientOptions adds what its operations need). */
export interface CmContextOptions {
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
  /** Told the outcome of every HTTP exchange (the diagnostic log); never the URL, a body or a card id. */
  onCall?: (outcome: CmCallOutcome) => void;
}

export const ROUTES = {
  listRequests: 'GET /requests',
  getRequest: 'GET /requests/{id}',
  listTemplates: 'GET /profiletemplates',
  bindCard: 'POST /smartcards',
  createRequest: 'POST /requests',
  findSmartcard: 'GET /smartcards?cardid=',
  getSmartcard: 'GET /smartcards/{id}',
  operations: 'GET /smartcards/{id}/operations',
  setStatus: 'PUT /requests/{id}/smartcards/{id}',
} as const;

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

/** A caller's value the station will not send to CM (BAD_REQUEST naming the field). */
export function badInput(message: string, field: string): StationError {
  return new StationError('BAD_REQUEST', message, { field });
}

export function requireGuid(value: string, field: string): Guid {
  const guid = normalizeGuid(value);
  if (guid === null) throw badInput(`${field} must be a GUID.`, field);
  return guid;
}

/** A card id is a GUID (minidriver CardID, CHUID) or hex (a contactless UID, a CPLC): shared/card-id.ts. */
export function normalizeCardId(value: string): string {
  const id = cmCardIdFromText(value);
  if (id === null) throw badInput('The card id must be a GUID or a hex identifier.', 'cardId');
  return id;
}

export function normalizeAtr(value: string): string {
  const hex = value.replace(/[\s:]+/g, '').toLowerCase();
  // ISO 7816-3: an ATR is 2 to 33 bytes.
  if (!/^(?:[0-9a-f]{2}){2,33}$/.test(hex)) throw badInput('The ATR must be 2 to 33 bytes of hex.', 'atr');
  return hex;
}

/** The CM address from settings as the API root, or SETTINGS_INVALID naming the field. */
function cmBaseFromSettings(baseUrl: string): URL {
  let base: URL;
  try {
    base = normalizeCmBaseUrl(new URL(baseUrl));
  } catch {
    // Translated: the typed error says which setting is wrong.
    throw new StationError('SETTINGS_INVALID', 'The CM address in settings is not a valid URL.', { field: 'baseUrl' });
  }
  if (base.protocol !== 'https:' && base.protocol !== 'http:') {
    throw new StationError('SETTINGS_INVALID', 'The CM address in settings must start with https://.', {
      field: 'baseUrl',
    });
  }
  return base;
}

/** How a failed GET is repeated; the timeout and retry count are checked here too. */
function getRetryPolicy(options: CmContextOptions, timeoutMs: number): RetryPolicy {
  if (!(timeoutMs > 0) || !Number.isInteger(options.getRetries ?? 0) || (options.getRetries ?? 0) < 0) {
    throw new StationError('SETTINGS_INVALID', 'The CM timeout must be positive and the retry count a whole number.', {
      field: 'timeoutMs',
    });
  }
  return {
    retries: options.getRetries ?? 2,
    backoff: { baseMs: options.backoffBaseMs ?? 250, maxMs: options.backoffMaxMs ?? 4_000, jitter: 0.5 },
    random: options.random ?? Math.random,
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
  };
}

export function createCmClientContext(options: CmContextOptions): CmClientContext {
  const base = cmBaseFromSettings(options.baseUrl);
  const timeoutMs = options.timeoutMs ?? 15_000;
  const backoff = getRetryPolicy(options, timeoutMs);
  const http = createCmHttp({ base, transport: options.transport, timeoutMs, ...(options.onCall ? { onCall: options.onCall } : {}) });

  function call(ctx: CmCallContext, path: string, body?: unknown): Promise<CmAnswer> {
    const input = { method: ctx.method, route: ctx.route, path, ...(body === undefined ? {} : { body }) };
    return ctx.method === 'GET' ? withRetries(backoff, () => http.call(input)) : http.call(input);
  }

  return {
    call,
    parse: (schema, answer, ctx) => readCmBody(schema, answer.text, ctx, answer.status),
    async getOptional(schema, ctx, path) {
      try {
        const answer = await call(ctx, path);
        return answer.status === 204 ? null : readCmBody(schema, answer.text, ctx, answer.status);
      } catch (err) {
        if (err instanceof StationError && err.code === 'CM_NOT_FOUND') return null;
        throw err;
      }
    },
    async getList(schema, ctx, path) {
      const answer = await call(ctx, path);
      return answer.status === 204 ? [] : readCmBody(schema.array(), answer.text, ctx, answer.status);
    },
  };
}
