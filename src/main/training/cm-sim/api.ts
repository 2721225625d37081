import type { CoreRouteId } from './routes';
import {
  bindCard,
  findRequest,
  findSmartcard,
  normalizeGuid,
  requestStatusNumber,
  sameCardId,
  setSmartcardStatus,
  smartcardOperations,
  type SimOutcome,
  type SimState,
} from './state';

/**
 * CM's REST semantics over the simulated directory, without any I/O: a call in, an answer and the
 * next state out. Shapes follow Microsoft's reference examples: PascalCase objects, numeric enums,
 * `{"Message": ...}` errors, and 204 when a GET has nothing to return (every GET documents 204).
 * Every refusal is a 500 with a Message (the codes the reference pages list); 400/409/415 only come
 * from fault rules.
 */

export interface ApiOptions {
  /**
   * "Get smart cards" is described as a user's cards (MIMDocs/reference/get-smartcard-data.md:
   * "get smart card profiles for a user"): when set, `GET /smartcards?cardid=` returns only cards
   * assigned to this user (the caller), as a CM that scopes lookups would.
   */
  lookupScope: string | null;
}

export interface ApiCall {
  route: CoreRouteId;
  params: string[];
  query: URLSearchParams;
  contentType: string | null;
  body: string;
}

export interface ApiAnswer {
  status: number;
  /** Serialised as JSON; undefined means no body (204). */
  json?: unknown;
}

export interface ApiResult {
  answer: ApiAnswer;
  /** Set only when the call changed the directory (the server then saves it before answering). */
  next?: SimState;
}

const message = (status: number, text: string): ApiResult => ({ answer: { status, json: { Message: text } } });
const ok = (json: unknown): ApiResult => ({ answer: { status: 200, json } });
const noContent: ApiResult = { answer: { status: 204 } };
const okOrNoContent = (list: unknown[]): ApiResult => (list.length === 0 ? noContent : ok(list));
const invalid = (detail: string): ApiResult => message(500, `An error has occurred. ${detail}`);

/** ASP.NET reads query keys and JSON property names case-insensitively. */
function queryValue(query: URLSearchParams, key: string): string | null {
  for (const [k, v] of query) if (k.toLowerCase() === key) return v;
  return null;
}

type BodyFields = { ok: true; fields: Record<string, unknown> } | { ok: false; refusal: ApiResult };

function jsonBody(call: ApiCall): BodyFields {
  const mediaType = call.contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  if (mediaType !== 'application/json') {
    const refusal = message(500, `An error has occurred. The media type '${mediaType}' is not supported for this resource.`);
    return { ok: false, refusal };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(call.body);
  } catch {
    // The simulator answers a bad body with CM's 400, as CM does: the refusal is the report.
    return { ok: false, refusal: invalid('The body is not valid JSON.') };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, refusal: invalid('The body must be an object.') };
  }
  return { ok: true, fields: Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k.toLowerCase(), v])) };
}

function stringField(body: Record<string, unknown>, key: string): string | null {
  const value = body[key];
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

function fromOutcome<T extends { state: SimState }>(outcome: SimOutcome<T>, answer: (result: T) => ApiAnswer): ApiResult {
  if (!outcome.ok) return message(outcome.status, outcome.message);
  return { answer: answer(outcome), next: outcome.state };
}

function guidParam(call: ApiCall, index: number): string | null {
  return normalizeGuid(call.params[index] ?? '');
}

export function handleApiCall(state: SimState, call: ApiCall, newUuid: () => string, options: ApiOptions = { lookupScope: null }): ApiResult {
  switch (call.route) {
    case 'GET /requests': {
      const statusName = queryValue(call.query, 'status');
      const status = statusName === null ? null : requestStatusNumber(statusName);
      if (statusName !== null && status === null) return invalid(`Unknown status '${statusName}'.`);
      // `targetuser` (only "current" is supported by CM) is ignored: the simulator has no sign-in.
      return okOrNoContent(state.requests.filter((r) => status === null || r.Status === status));
    }
    case 'GET /requests/{id}': {
      const id = guidParam(call, 0);
      if (id === null) return invalid('The id is not a GUID.');
      const request = findRequest(state, id);
      return request === undefined ? noContent : ok(request);
    }
    case 'GET /profiletemplates':
      // CM's ProfileTemplateLimitedView: the template's version is not part of it.
      return okOrNoContent(state.profileTemplates.map(({ Version: _version, ...limited }) => limited));
    case 'GET /smartcards': {
      const cardId = queryValue(call.query, 'cardid');
      const visible = state.smartcards.filter((c) => options.lookupScope === null || c.AssignedUserUuid === options.lookupScope);
      if (cardId === null) return okOrNoContent(visible);
      // One object, as in the example; a re-used card has several records: the latest is answered.
      const card = visible.filter((c) => sameCardId(c.SerialNumber, cardId)).at(-1);
      return card === undefined ? noContent : ok(card);
    }
    case 'GET /smartcards/{id}': {
      const id = guidParam(call, 0);
      if (id === null) return invalid('The id is not a GUID.');
      const card = findSmartcard(state, id);
      return card === undefined ? noContent : ok(card);
    }
    case 'GET /smartcards/{id}/operations': {
      const id = guidParam(call, 0);
      if (id === null) return invalid('The id is not a GUID.');
      const card = findSmartcard(state, id);
      return card === undefined ? noContent : okOrNoContent(smartcardOperations(card));
    }
    case 'POST /smartcards': {
      const body = jsonBody(call);
      if (!body.ok) return body.refusal;
      const requestId = stringField(body.fields, 'requestid');
      const cardId = stringField(body.fields, 'cardid');
      const atr = stringField(body.fields, 'atr');
      if (requestId === null || cardId === null || atr === null) return invalid('requestid, cardid and atr are required.');
      return fromOutcome(bindCard(state, { requestId, cardId, atr }, newUuid()), ({ smartcard }) => ({
        status: 201,
        json: `api/v1.0/smartcards/${smartcard.Uuid}`,
      }));
    }
    case 'PUT /requests/{id}/smartcards/{id}': {
      const requestId = guidParam(call, 0);
      const smartcardUuid = guidParam(call, 1);
      if (requestId === null || smartcardUuid === null) return invalid('The ids are not GUIDs.');
      const body = jsonBody(call);
      if (!body.ok) return body.refusal;
      const status = stringField(body.fields, 'status');
      if (status === null) return invalid('status is required.');
      return fromOutcome(setSmartcardStatus(state, { requestId, smartcardUuid, status }), ({ smartcard }) => ({
        status: 200,
        json: smartcard,
      }));
    }
  }
}
