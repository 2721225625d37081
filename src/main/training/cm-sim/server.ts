import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { z } from 'zod';
import { StationError } from '../../../shared/errors';
import { handleApiCall, type ApiAnswer } from './api';
import { FaultBook, faultRuleSchema, type FaultRule } from './faults';
import { loadState, saveState } from './persistence';
import { sendFault, sendIisNotFound, sendJson, sendServerError } from './responses';
import { API_PREFIX, matchRoute, type RouteMatch } from './routes';
import { seedDirectory } from './seed';
import { activateSmartcard, approveRequest, normalizeGuid, type RetireUnder, type SimState } from './state';
import { pem } from './execution/pem';
import type { CertificateTamper } from './execution/handle';
import { createLazySimExecution } from './execution/lazy';
import { defaultExecutionProfiles, type SimExecutionProfile } from './execution/profiles';
import { isExecutionRoute } from './execution/route-ids';
import { reportFailure } from '../../log';
import { newSecretToken, tokensEqual } from '../../common';

/** A request as the simulator received it, for tests that check what went over the wire. */
export interface RecordedRequest {
  method: string;
  /** Path and query exactly as sent. */
  path: string;
  /** Lower-case names, as Node delivers them. */
  headers: Record<string, string>;
  body: string;
}

export interface CmSimulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** Where the directory is kept across restarts; null or absent keeps it in memory only. */
  dataFile?: string | null;
  /** The directory to start from (and to reset to); the training seed when absent. */
  seed?: SimState;
  faults?: FaultRule[];
  /** Uuids for new smart cards; random when absent. */
  newUuid?: () => string;
  /** Scope `GET /smartcards?cardid=` to this user's cards (see ApiOptions.lookupScope); null = all. */
  lookupScope?: string | null;
  /**
   * Training: a newly assigned card becomes Active this long after the bind, as if a CM client had
   * written it. null (default): only the admin `activate` does that.
   */
  activateAfterMs?: number | null;
  /** Desk issuance: per-template smart card configuration and options; ./execution/profiles.json when absent. */
  executionProfiles?: SimExecutionProfile[];
  /** Where the throw-away CA is kept; the data file's folder when absent, in memory without a data file. */
  caDir?: string | null;
  /**
   * The secret every `/__sim/` admin request must carry (`Authorization: Bearer <token>`): without
   * it any local process (any user) could reset the simulator or plant faults. Random per run when
   * absent; the station host passes its own token, so the host's token opens the training CM's admin.
   */
  adminToken?: string;
  /** Which request id a retire PUT may take (default `any`; state.ts RetireUnder). INVENTED: a simulator setting. */
  retireUnder?: RetireUnder;
  /** Requests created with `POST /requests` wait for approval (`required`) or are Approved at once (`none`, default). */
  approval?: 'required' | 'none';
}

export interface CmSimulatorAdmin {
  setFaults(rules: FaultRule[]): void;
  clearFaults(): void;
  faults(): FaultRule[];
  received(): RecordedRequest[];
  clearReceived(): void;
  state(): SimState;
  /** A CM client wrote the card: Assigned (2) becomes Active (3). False when it was not Assigned. */
  activate(smartcardUuid: string): Promise<boolean>;
  /** The CM portal's approval of a Pending request (no REST route exists). False when it was not Pending. */
  approve(requestUuid: string): Promise<boolean>;
  /** Scope card lookups to one user (the caller), or null for all. */
  setLookupScope(userUuid: string | null): void;
  /** The throw-away CA's root and issuing certificates (PEM), made on first use: for `openssl verify`. */
  caCertificates(): Promise<{ root: string; issuing: string }>;
  /** Back to the seed directory (saved), no faults, empty record, no lookup scope. */
  reset(): Promise<void>;
}

export interface CmSimulator {
  /** e.g. `http://127.0.0.1:41234/CertificateManagement/api/v1.0/` */
  baseUrl: string;
  /** The admin endpoint for other processes: `http://127.0.0.1:41234/__sim/` */
  adminUrl: string;
  /** The bearer token the admin endpoint requires (see CmSimulatorOptions.adminToken). */
  adminToken: string;
  admin: CmSimulatorAdmin;
  close(): Promise<void>;
}

const ADMIN_PREFIX = '/__sim/';
const MAX_BODY_BYTES = 1024 * 1024;
/** A training day stays within bounded memory; tests never come near it. */
const MAX_RECORDED = 10_000;

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLarge();
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  return Object.fromEntries(
    Object.entries(req.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : (value ?? '')]),
  );
}

export async function startCmSimulator(options: CmSimulatorOptions = {}): Promise<CmSimulator> {
  const host = options.host ?? '127.0.0.1';
  const dataFile = options.dataFile ?? null;
  const newUuid = options.newUuid ?? randomUUID;
  const seed = () => structuredClone(options.seed ?? seedDirectory());
  const execution = createLazySimExecution({
    caDir: options.caDir !== undefined ? options.caDir : dataFile === null ? null : dirname(dataFile),
    profiles: options.executionProfiles ?? defaultExecutionProfiles(),
  });
  const adminToken = options.adminToken ?? newSecretToken();
  const faultBook = new FaultBook();
  faultBook.set(options.faults ?? []);
  let received: RecordedRequest[] = [];
  let saves = 0;
  let saving: Promise<void> = Promise.resolve();

  /** Saves in call order; each save writes the state it was handed, so the last one wins. */
  function persist(snapshot: SimState): Promise<void> {
    if (dataFile === null) return Promise.resolve();
    const job = saving.then(() => saveState(dataFile, snapshot, `${process.pid}-${++saves}`));
    // The chain continues after a failed save; that save's own caller gets its error through `job`.
    saving = job.catch(() => {
        // The chain continues; the save's caller gets its error through `job`.
      });
    return job;
  }

  const loaded = dataFile === null ? null : await loadState(dataFile);
  let state = loaded ?? seed();
  if (loaded === null) await persist(state);

  let closed = false;
  let lookupScope = options.lookupScope ?? null;
  const activations = new Set<ReturnType<typeof setTimeout>>();
  async function activate(uuid: string): Promise<boolean> {
    const next = activateSmartcard(state, uuid);
    if (next === null) return false;
    state = next;
    await persist(state);
    return true;
  }
  function scheduleActivation(answer: ApiAnswer): void {
    const after = options.activateAfterMs ?? null;
    if (after === null || answer.status !== 201 || typeof answer.json !== 'string') return;
    const uuid = normalizeGuid(answer.json.split('/').at(-1) ?? '');
    if (uuid === null) return;
    const timer = setTimeout(() => {
      activations.delete(timer);
      // The station itself is executing the request at the desk: it, not this stand-in, completes it.
      if (execution.executing(uuid)) return;
      activate(uuid).catch(reportFailure('CM simulator: activation'));
    }, after);
    activations.add(timer);
  }
  const pendingDelays = new Set<() => void>();
  function delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        pendingDelays.delete(finish);
        resolve();
      };
      const timer = setTimeout(finish, ms);
      pendingDelays.add(finish);
    });
  }

  async function answerApi(
    match: RouteMatch,
    req: IncomingMessage,
    url: URL,
    body: string,
    tamper: CertificateTamper | null = null,
  ): Promise<ApiAnswer | 'outside-api'> {
    switch (match.kind) {
      case 'outside-api':
        return 'outside-api';
      case 'no-route':
        return { status: 404, json: { Message: `No HTTP resource was found that matches the request URI '${url.href}'.` } };
      case 'method-not-allowed':
        return { status: 405, json: { Message: `The requested resource does not support http method '${req.method ?? ''}'.` } };
      case 'route': {
        if (isExecutionRoute(match.id)) {
          const call = { route: match.id, params: match.params, query: url.searchParams, contentType: req.headers['content-type'] ?? null, body };
          const result = await execution.handle(state, call, tamper);
          if (result.update !== undefined) {
            state = result.update(state);
            await persist(state);
          }
          return result.answer;
        }
        const result = handleApiCall(
          state,
          { route: match.id, params: match.params, query: url.searchParams, contentType: req.headers['content-type'] ?? null, body },
          newUuid,
          { lookupScope, retireUnder: options.retireUnder ?? 'any', approval: options.approval ?? 'none' },
        );
        if (result.next !== undefined) {
          state = result.next;
          // Durable before CM says so: a crash test may kill the simulator right after the answer.
          await persist(state);
        }
        scheduleActivation(result.answer);
        return result.answer;
      }
    }
  }

  async function serveApi(req: IncomingMessage, res: ServerResponse, url: URL, body: string): Promise<void> {
    received.push({ method: req.method ?? '', path: req.url ?? '', headers: flattenHeaders(req), body });
    if (received.length > MAX_RECORDED) received.shift();
    const match = matchRoute(req.method ?? '', url.pathname);
    const plan = faultBook.take(match.kind === 'route' ? match.id : null);
    if (plan.latencyMs > 0) await delay(plan.latencyMs);
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

  const admin: CmSimulatorAdmin = {
    setFaults(rules) {
      const parsed = z.array(faultRuleSchema).safeParse(rules);
      if (!parsed.success) throw new StationError('BAD_REQUEST', 'Invalid CM simulator fault rules.', { issues: parsed.error.message });
      faultBook.set(parsed.data);
    },
    clearFaults: () => faultBook.set([]),
    faults: () => faultBook.list(),
    received: () => structuredClone(received),
    clearReceived: () => {
      received = [];
    },
    state: () => structuredClone(state),
    activate,
    async caCertificates() {
      const { root, issuing } = await execution.caCertificates();
      return { root: pem(root), issuing: pem(issuing) };
    },
    async approve(requestUuid) {
      const uuid = normalizeGuid(requestUuid);
      const next = uuid === null ? null : approveRequest(state, uuid);
      if (next === null) return false;
      state = next;
      await persist(state);
      return true;
    },
    setLookupScope(userUuid) {
      lookupScope = userUuid === null ? null : normalizeGuid(userUuid);
    },
    async reset() {
      faultBook.set([]);
      received = [];
      lookupScope = options.lookupScope ?? null;
      for (const timer of activations) clearTimeout(timer);
      activations.clear();
      state = seed();
      await persist(state);
    },
  };

  /** The same controls over HTTP, for the station host, e2e tests and crash tests in other processes. */
  async function serveAdmin(req: IncomingMessage, res: ServerResponse, url: URL, body: string): Promise<void> {
    const action = `${req.method ?? ''} ${url.pathname.slice(ADMIN_PREFIX.length).toLowerCase().replace(/\/$/, '')}`;
    switch (action) {
      case 'GET received':
        return sendJson(res, 200, admin.received());
      case 'DELETE received':
        admin.clearReceived();
        return sendJson(res, 204, undefined);
      case 'GET faults':
        return sendJson(res, 200, admin.faults());
      case 'PUT faults': {
        let json: unknown;
        try {
          json = JSON.parse(body);
        } catch {
          // Not JSON: the schema check below refuses it with a 400.
          json = undefined;
        }
        const rules = z.array(faultRuleSchema).safeParse(json);
        if (!rules.success) return sendJson(res, 400, { Message: 'Expected a JSON array of fault rules.', issues: rules.error.issues });
        faultBook.set(rules.data);
        return sendJson(res, 204, undefined);
      }
      case 'DELETE faults':
        admin.clearFaults();
        return sendJson(res, 204, undefined);
      case 'GET state':
        return sendJson(res, 200, admin.state());
      case 'GET ca':
        return sendJson(res, 200, await admin.caCertificates());
      case 'POST reset':
        await admin.reset();
        return sendJson(res, 204, undefined);
      case 'PUT lookup-scope': {
        let user: unknown;
        try {
          user = (JSON.parse(body) as { user?: unknown }).user;
        } catch {
          // Not JSON: the schema check below refuses it with a 400.
          user = undefined;
        }
        if (user !== null && (typeof user !== 'string' || normalizeGuid(user) === null)) {
          return sendJson(res, 400, { Message: 'Expected {"user": "<guid>"} or {"user": null}.' });
        }
        admin.setLookupScope(user);
        return sendJson(res, 204, undefined);
      }
      default: {
        const approval = /^POST requests\/([^/]+)\/approve$/.exec(action);
        if (approval !== null) {
          if (await admin.approve(approval[1] ?? '')) return sendJson(res, 204, undefined);
          return sendJson(res, 409, { Message: 'No Pending request with that Uuid.' });
        }
        const activation = /^POST smartcards\/([^/]+)\/activate$/.exec(action);
        if (activation !== null) {
          const uuid = normalizeGuid(activation[1] ?? '');
          if (uuid !== null && (await admin.activate(uuid))) return sendJson(res, 204, undefined);
          return sendJson(res, 409, { Message: 'No Assigned smart card with that Uuid.' });
        }
        return sendJson(res, 404, { Message: `No simulator admin action '${action}'.` });
      }
    }
  }

  const server = createServer((req, res) => {
    (async () => {
      try {
        const body = await readBody(req);
        const url = new URL(req.url ?? '/', 'http://cm-sim.invalid');
        if (url.pathname.toLowerCase().startsWith(ADMIN_PREFIX)) {
          const given = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
          if (!tokensEqual(adminToken, given)) sendJson(res, 401, { Message: 'The simulator admin endpoint needs its token (Authorization: Bearer <token>).' });
          else await serveAdmin(req, res, url, body);
        }
        else await serveApi(req, res, url, body);
      } catch (err) {
        if (err instanceof BodyTooLarge) sendJson(res, 413, { Message: 'The request entity is too large.' });
        // Like CM: log nothing to the client but a correlation id.
        else if (!res.headersSent) sendServerError(res, randomUUID());
      }
    })().catch(reportFailure('CM simulator: answer'));
  });

  await new Promise<void>((resolve, reject) => {
    const fail = (err: NodeJS.ErrnoException) =>
      reject(new StationError('INTERNAL', `The CM simulator could not listen on ${host}:${options.port ?? 0}.`, { cause: err.code ?? null }));
    server.once('error', fail);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', fail);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    baseUrl: `${origin}${API_PREFIX}`,
    adminUrl: `${origin}${ADMIN_PREFIX}`,
    adminToken,
    admin,
    async close() {
      closed = true;
      for (const timer of activations) clearTimeout(timer);
      activations.clear();
      for (const finish of [...pendingDelays]) finish();
      // Calls held open by `no-answer` would otherwise keep close() waiting forever.
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await saving;
    },
  };
}

