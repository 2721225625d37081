import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleApiCall, type ApiAnswer, type ApiOptions } from './api';
import type { FaultBook } from './faults';
import { sendFault, sendIisNotFound, sendJson } from './responses';
import { matchRoute, type RouteMatch } from './routes';
import type { SimStore } from './store';
import type { CertificateTamper, SimExecution } from './execution/handle';
import { isExecutionRoute } from './execution/route-ids';

/** A request as the simulator received it, for tests that check what went over the wire. */
export interface RecordedRequest {
  method: string;
  /** Path and query exactly as sent. */
  path: string;
  /** Lower-case names, as Node delivers them. */
  headers: Record<string, string>;
  body: string;
}

/** A training day stays within bounded memory; tests never come near it. */
const MAX_RECORDED = 10_000;

/** What went over the wire to the API, the newest MAX_RECORDED requests. */
export class RequestRecord {
  private requests: RecordedRequest[] = [];

  add(request: RecordedRequest): void {
    this.requests.push(request);
    if (this.requests.length > MAX_RECORDED) this.requests.shift();
  }

  list(): RecordedRequest[] {
    return structuredClone(this.requests);
  }

  clear(): void {
    this.requests = [];
  }
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  return Object.fromEntries(Object.entries(req.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : (value ?? '')]));
}

/** Calls held back by a latency fault; close() lets them all go at once. */
class HeldCalls {
  private readonly pending = new Set<() => void>();

  delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.pending.delete(finish);
        resolve();
      };
      const timer = setTimeout(finish, ms);
      this.pending.add(finish);
    });
  }

  releaseAll(): void {
    for (const finish of [...this.pending]) finish();
  }
}

type Route = Extract<RouteMatch, { kind: 'route' }>;

export interface ApiServerDeps {
  store: SimStore;
  execution: SimExecution;
  faultBook: FaultBook;
  record: RequestRecord;
  newUuid: () => string;
  /** Read at each call: the admin may change the lookup scope. */
  apiOptions: () => ApiOptions;
  /** Told of every answer CM gives (training's scheduled activation after a bind). */
  onAnswer: (answer: ApiAnswer) => void;
}

export interface ApiServer {
  serve(req: IncomingMessage, res: ServerResponse, url: URL, body: string): Promise<void>;
  /** No call held back by a latency fault reaches CM any more. */
  close(): void;
}

/** CM's REST API as IIS serves it: faults first (fault book), then the route's own answer (api.ts, execution/). */
export function createApiServer(deps: ApiServerDeps): ApiServer {
  const { store, execution, faultBook, record } = deps;
  const held = new HeldCalls();
  let closed = false;

  async function answerRoute(match: Route, req: IncomingMessage, url: URL, body: string, tamper: CertificateTamper | null): Promise<ApiAnswer> {
    const request = { params: match.params, query: url.searchParams, contentType: req.headers['content-type'] ?? null, body };
    if (isExecutionRoute(match.id)) {
      const result = await execution.handle(store.current(), { route: match.id, ...request }, tamper);
      if (result.update !== undefined) await store.commit(result.update(store.current()));
      return result.answer;
    }
    const result = handleApiCall(store.current(), { route: match.id, ...request }, deps.newUuid, deps.apiOptions());
    // Durable before CM says so: a crash test may kill the simulator right after the answer.
    if (result.next !== undefined) await store.commit(result.next);
    deps.onAnswer(result.answer);
    return result.answer;
  }

  async function answerApi(
    match: RouteMatch,
    req: IncomingMessage,
    url: URL,
    body: string,
    tamper: CertificateTamper | null,
  ): Promise<ApiAnswer | 'outside-api'> {
    switch (match.kind) {
      case 'outside-api':
        return 'outside-api';
      case 'no-route':
        return { status: 404, json: { Message: `No HTTP resource was found that matches the request URI '${url.href}'.` } };
      case 'method-not-allowed':
        return { status: 405, json: { Message: `The requested resource does not support http method '${req.method ?? ''}'.` } };
      case 'route':
        return answerRoute(match, req, url, body, tamper);
    }
  }

  async function serve(req: IncomingMessage, res: ServerResponse, url: URL, body: string): Promise<void> {
    record.add({ method: req.method ?? '', path: req.url ?? '', headers: flattenHeaders(req), body });
    const match = matchRoute(req.method ?? '', url.pathname);
    const plan = faultBook.take(match.kind === 'route' ? match.id : null);
    if (plan.latencyMs > 0) await held.delay(plan.latencyMs);
    // Closed while the call was held back: it never reached CM.
    if (closed) return;
    // A tampering fault shapes CM's own answer instead of replacing it.
    const tamper = plan.fault?.kind === 'tamper-certificates' ? plan.fault.how : null;
    const fault = plan.fault?.kind === 'tamper-certificates' ? null : plan.fault;
    if (fault !== null && plan.when === 'before') {
      sendFault(res, fault, randomUUID());
      return;
    }
    const answer = await answerApi(match, req, url, body, tamper);
    if (fault !== null) sendFault(res, fault, randomUUID());
    else if (answer === 'outside-api') sendIisNotFound(res);
    else sendJson(res, answer.status, answer.json);
  }

  return {
    serve,
    close() {
      closed = true;
      held.releaseAll();
    },
  };
}
