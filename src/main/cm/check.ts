import { REQUEST_STATUS_NUMBERS, REQUEST_STATUSES } from '../../shared/cm';
import type { CmCheckReport, CmCheckType } from '../../shared/cm-check';
import { StationError, toErrorPayload } from '../../shared/errors';
import { bindabilityOf, readRequestType, type RequestTypeNumbers } from '../../shared/request-types';
import { type AuthReport, parseWwwAuthenticate, sameScheme } from './auth-challenge';
import { checkDeskIssuance } from './check-issuance';
import { normalizeCmBaseUrl } from './client';
import { httpFailure, isCmErrorBody, redirectError, transportFailure } from './errors';
import { decodeRequestType } from './normalize';
import type { CmTransport } from './transport';
import { wireRequestSchema } from './wire-schemas';

export interface CmCheckOptions {
  baseUrl: string;
  transport: CmTransport;
  timeoutMs: number;
  requestTypeNumbers: RequestTypeNumbers;
  now?: () => number;
  clock?: () => Date;
}

/**
 * cm-check against the CM address the station's settings name (every caller: the CLI, the
 * Diagnostics screen, the support bundle). No address, or one that is not a URL: SETTINGS_INVALID.
 */
export async function checkConfiguredCm(
  settings: { cmBaseUrl: string; cmTimeoutMs: number; requestTypeNumbers: RequestTypeNumbers },
  transport: CmTransport,
): Promise<CmCheckReport> {
  const baseUrl = settings.cmBaseUrl;
  if (baseUrl === '') throw new StationError('SETTINGS_INVALID', 'No CM address is configured: IT sets cmBaseUrl in machine policy.', { field: 'cmBaseUrl' });
  try {
    return await runCmCheck({ baseUrl, transport, timeoutMs: settings.cmTimeoutMs, requestTypeNumbers: settings.requestTypeNumbers });
  } catch (err) {
    if (err instanceof TypeError) throw new StationError('SETTINGS_INVALID', `The CM address is not a valid URL: ${baseUrl}`, { field: 'cmBaseUrl' });
    throw err;
  }
}

interface RawAnswer {
  status: number;
  text: string;
  headers: { get(name: string): string | null };
  /** How the transport signed in (the Node Negotiate transport says; Chromium does not). */
  auth: AuthReport | undefined;
}

/**
 * The auth schemes a 401 offers (`WWW-Authenticate`, RFC 9110 section 11.6.1), each once, through
 * the one parser the 401 wording uses too (auth-challenge.ts), so cm-check and the errors agree.
 */
export function authSchemes(header: string | null): string[] {
  const schemes: string[] = [];
  for (const { scheme } of parseWwwAuthenticate(header)) if (!schemes.some((s) => sameScheme(s, scheme))) schemes.push(scheme);
  return schemes;
}

/** Read-only first contact with CM: GETs only (profile templates, requests, then desk issuance: check-issuance.ts). */
export async function runCmCheck(options: CmCheckOptions): Promise<CmCheckReport> {
  const now = options.now ?? (() => performance.now());
  const checkedAt = (options.clock ?? (() => new Date()))().toISOString();
  const base = normalizeCmBaseUrl(new URL(options.baseUrl));
  const report: CmCheckReport = {
    target: base.href,
    reachable: false,
    apiEnabled: null,
    auth: { result: 'unknown', schemes: [], scheme: null },
    latencyMs: null,
    problem: null,
    requestTypes: [],
    requestStatuses: [],
    suggestedRequestTypeNumbers: {},
    checkedAt,
  };

  async function get(route: string, path: string): Promise<RawAnswer> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, options.timeoutMs);
    try {
      const response = await options.transport(new URL(path, base).href, {
        method: 'GET',
        headers: { Accept: 'application/json' },
        signal: controller.signal,
        redirect: 'manual',
      });
      return { status: response.status, text: await response.text(), headers: response.headers, auth: response.auth };
    } catch (err) {
      throw transportFailure(err, { method: 'GET', route }, timedOut, options.timeoutMs);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Classifies a non-2xx answer into the report; returns the error for `problem`. */
  function answered(answer: RawAnswer, route: string): StationError {
    report.reachable = true;
    const ctx = { method: 'GET' as const, route };
    if (answer.status >= 300 && answer.status < 400) return redirectError(answer.status, answer.headers.get('location'), ctx);
    if (answer.status === 401) {
      const wwwAuthenticate = answer.headers.get('www-authenticate');
      report.auth = { result: 'rejected', schemes: authSchemes(wwwAuthenticate), scheme: answer.auth?.scheme ?? null };
      // Worded by the schemes CM offers and why our token failed, as every other 401 (auth-challenge.ts).
      return httpFailure(answer.status, answer.text, ctx, { host: base.hostname, wwwAuthenticate, failure: answer.auth?.failure });
    } else if (answer.status === 403) {
      report.auth.result = 'forbidden';
    } else if (answer.status === 404 && !isCmErrorBody(answer.text)) {
      // The probe route exists whenever the API is on: IIS's own 404 here means it is switched off.
      report.apiEnabled = false;
      return new StationError('CM_API_DISABLED', 'The CM REST API is switched off on the server (Clm.WebApi.Enabled=false in web.config): every route answers "not found".', {
        status: 404,
      });
    }
    return httpFailure(answer.status, answer.text, ctx);
  }

  const started = now();
  /** One GET; when it gets no answer or a non-2xx one, the report says why and there is none. */
  async function getOk(route: string, path: string): Promise<RawAnswer | null> {
    let answer: RawAnswer;
    try {
      answer = await get(route, path);
    } catch (err) {
      report.problem = toErrorPayload(err);
      return null;
    }
    // Time of the first answer, whatever it said.
    report.latencyMs ??= Math.round((now() - started) * 10) / 10;
    if (answer.status >= 200 && answer.status < 300) return answer;
    report.problem = answered(answer, route).toPayload();
    return null;
  }

  const templates = await getOk('GET /profiletemplates', 'profiletemplates');
  if (templates === null) return report;
  report.reachable = true;
  report.apiEnabled = true;
  report.auth.result = 'accepted';
  report.auth.scheme = templates.auth?.scheme ?? null;

  const requests = await getOk('GET /requests', 'requests');
  if (requests === null) return report;
  let list: unknown[];
  try {
    const json: unknown = requests.status === 204 || requests.text === '' ? [] : JSON.parse(requests.text);
    list = Array.isArray(json) ? json : [];
  } catch {
    // The failure is the check's result: reported in report.problem.
    report.problem = new StationError('CM_MALFORMED_RESPONSE', 'CM answered GET /requests with something that is not JSON.', { status: requests.status }).toPayload();
    return report;
  }
  const types = new Map<string, number>();
  const statuses = new Map<string, number>();
  for (const item of list) {
    const parsed = wireRequestSchema.safeParse(item);
    if (!parsed.success) continue;
    const rawType = String(parsed.data.RequestType);
    const rawStatus = String(parsed.data.Status);
    types.set(rawType, (types.get(rawType) ?? 0) + 1);
    statuses.set(rawStatus, (statuses.get(rawStatus) ?? 0) + 1);
  }
  report.requestTypes = [...types].sort(byRaw).map(([raw, count]) => typeEntry(raw, count, options.requestTypeNumbers));
  for (const entry of report.requestTypes) {
    if (entry.confirmedBy === 'unconfirmed' && entry.likely !== null && /^\d+$/.test(entry.raw)) report.suggestedRequestTypeNumbers[entry.raw] = entry.likely;
  }
  report.requestStatuses = [...statuses].sort(byRaw).map(([raw, count]) => ({ raw, count, reading: statusName(raw) }));
  // Desk issuance (issue 16, item 6), GETs only: i16-cm's check-issuance.ts.
  report.issuance = await checkDeskIssuance(get, templates.text, requests.text);
  return report;
}

const byRaw = (a: [string, number], b: [string, number]): number => Number(a[0]) - Number(b[0]) || a[0].localeCompare(b[0]);

function typeEntry(raw: string, count: number, numbers: RequestTypeNumbers): CmCheckType {
  // Exactly the reading the workflow makes: the client's decoding, then the request-type table.
  const reading = readRequestType(decodeRequestType(/^\d+$/.test(raw) ? Number(raw) : raw), numbers);
  const bindable = bindabilityOf(reading);
  if (reading.kind === 'unconfirmed') {
    return { raw, count, reading: null, confirmedBy: 'unconfirmed', likely: reading.likely, bindable: null };
  }
  return { raw, count, reading: reading.type, confirmedBy: reading.by, likely: null, bindable: bindable.ok };
}

/** Request Status numbers from the SDK SQL API (cm-rest-api.md [Q1]); 3 and 8 also in the examples. */
function statusName(raw: string): string | null {
  if (!/^\d+$/.test(raw)) return raw;
  return REQUEST_STATUSES.find((name) => REQUEST_STATUS_NUMBERS[name] === Number(raw)) ?? null;
}
