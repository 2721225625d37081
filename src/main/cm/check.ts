import { REQUEST_STATUS_NUMBERS, REQUEST_STATUSES } from '../../shared/cm';
import type { CmCheckReport, CmCheckType } from '../../shared/cm-check';
import { StationError, toErrorPayload } from '../../shared/errors';
import { bindabilityOf, readRequestType, type RequestTypeNumbers } from '../../shared/request-types';
import { parseWwwAuthenticate, sameScheme } from './auth-challenge';
import { checkDeskIssuance } from './check-issuance';
import { normalizeCmBaseUrl } from './client';
import { createCmHttp, PROBE_PATH, PROBE_ROUTE, type CmAnswer, type CmCallInput } from './http';
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

/**
 * The auth schemes a 401 offers (`WWW-Authenticate`, RFC 9110 section 11.6.1), each once, through
 * the one parser the 401 wording uses too (auth-challenge.ts), so cm-check and the errors agree.
 */
export function authSchemes(header: string | null): string[] {
  const schemes: string[] = [];
  for (const { scheme } of parseWwwAuthenticate(header)) if (!schemes.some((s) => sameScheme(s, scheme))) schemes.push(scheme);
  return schemes;
}

/**
 * The request statuses cm-check asks for, one filtered GET each: the ones a bind may need
 * (Approved, Executing) and the one a Retire request waits in (Pending). Never the unfiltered list:
 * that is every request CM has ever held, on every support bundle too (issue #17, part 8).
 */
export const CM_CHECK_STATUSES = ['Approved', 'Executing', 'Pending'] as const;

/**
 * Read-only first contact with CM: GET profiletemplates, then one GET requests per status above,
 * then the desk-issuance checks (check-issuance.ts: GETs only).
 */
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
    skippedRequests: 0,
    suggestedRequestTypeNumbers: {},
    checkedAt,
  };
  // The client's own HTTP layer: the same classification (a 503 page is an outage, a redirect names
  // its target, the API switched off is worded once), the same timeout.
  const http = createCmHttp({ base, transport: options.transport, timeoutMs: options.timeoutMs });

  /** Records what a non-2xx answer says about CM in the report; returns the error for `problem`. */
  async function answered(input: CmCallInput, answer: CmAnswer): Promise<StationError> {
    const error = await http.classify(input, answer);
    // Something in front of CM answered (a 503 page): CM itself was not reached.
    if (error.code !== 'CM_UNAVAILABLE') report.reachable = true;
    if (error.code === 'CM_AUTH_FAILED') {
      report.auth = { result: 'rejected', schemes: authSchemes(answer.auth.wwwAuthenticate), scheme: answer.authReport?.scheme ?? null };
    } else if (error.code === 'CM_FORBIDDEN') {
      report.auth.result = 'forbidden';
    } else if (error.code === 'CM_API_DISABLED') {
      report.apiEnabled = false;
    }
    return error;
  }

  const started = now();
  /** One GET; when it gets no answer or a non-2xx one, the report says why and there is none. */
  async function getOk(route: string, path: string): Promise<CmAnswer | null> {
    const input: CmCallInput = { method: 'GET', route, path };
    let answer: CmAnswer;
    try {
      answer = await http.exchange(input);
    } catch (err) {
      // No answer: a timeout is reported as a timeout (CM_TIMEOUT), an unreachable server as CM_OFFLINE.
      report.problem = toErrorPayload(err);
      return null;
    }
    // Time of the first answer, whatever it said.
    report.latencyMs ??= Math.round((now() - started) * 10) / 10;
    if (answer.status >= 200 && answer.status < 300) return answer;
    report.problem = (await answered(input, answer)).toPayload();
    return null;
  }

  const templates = await getOk(PROBE_ROUTE, PROBE_PATH);
  if (templates === null) return report;
  report.reachable = true;
  report.apiEnabled = true;
  report.auth.result = 'accepted';
  report.auth.scheme = templates.authReport?.scheme ?? null;

  const types = new Map<string, number>();
  const statuses = new Map<string, number>();
  let approvedText = '';
  for (const status of CM_CHECK_STATUSES) {
    const requests = await getOk('GET /requests', `requests?status=${status}`);
    if (requests === null) break;
    if (status === 'Approved') approvedText = requests.text;
    let list: unknown[];
    try {
      const json: unknown = requests.status === 204 || requests.text === '' ? [] : JSON.parse(requests.text);
      list = Array.isArray(json) ? json : [];
    } catch {
      // The failure is the check's result: reported in report.problem.
      report.problem = new StationError('CM_MALFORMED_RESPONSE', `CM answered GET /requests?status=${status} with something that is not JSON.`, {
        status: requests.status,
      }).toPayload();
      break;
    }
    for (const item of list) {
      const parsed = wireRequestSchema.safeParse(item);
      if (!parsed.success) {
        // One odd request is counted and shown, not allowed to hide the others.
        report.skippedRequests++;
        continue;
      }
      const rawType = String(parsed.data.RequestType);
      const rawStatus = String(parsed.data.Status);
      types.set(rawType, (types.get(rawType) ?? 0) + 1);
      statuses.set(rawStatus, (statuses.get(rawStatus) ?? 0) + 1);
    }
  }
  report.requestTypes = [...types].sort(byRaw).map(([raw, count]) => typeEntry(raw, count, options.requestTypeNumbers));
  for (const entry of report.requestTypes) {
    if (entry.confirmedBy === 'unconfirmed' && entry.likely !== null && /^\d+$/.test(entry.raw)) report.suggestedRequestTypeNumbers[entry.raw] = entry.likely;
  }
  report.requestStatuses = [...statuses].sort(byRaw).map(([raw, count]) => ({ raw, count, reading: statusName(raw) }));
  // Desk issuance (issue 16, item 6), GETs only, through the same HTTP layer.
  const get = (route: string, path: string) => http.exchange({ method: 'GET', route, path });
  report.issuance = await checkDeskIssuance(get, templates.text, approvedText);
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
