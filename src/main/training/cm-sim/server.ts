import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { StationError } from '../../../shared/errors';
import { scheduleActivations } from './activation';
import { activateCard, createSimulatorAdmin, type CmSimulatorAdmin } from './admin';
import { ADMIN_PREFIX, serveAdmin } from './admin-routes';
import { createApiServer, RequestRecord, type ApiServer } from './api-server';
import { FaultBook, type FaultRule } from './faults';
import { sendJson, sendServerError } from './responses';
import { API_PREFIX } from './routes';
import { seedDirectory } from './seed';
import type { RetireUnder, SimState } from './state';
import { openSimStore } from './store';
import { createLazySimExecution } from './execution/lazy';
import { defaultExecutionProfiles, type SimExecutionProfile } from './execution/profiles';
import { reportFailure } from '../../common';
import { newSecretToken, nodeHttp, tokensEqual } from '../../common';

export type { CmSimulatorAdmin } from './admin';
export type { RecordedRequest } from './api-server';

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

const MAX_BODY_BYTES = 1024 * 1024;

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

/** One HTTP server for both: `/__sim/` (with its token) to the admin routes, everything else to the API. */
function createSimHttpServer(adminToken: string, admin: CmSimulatorAdmin, api: ApiServer): Server {
  return nodeHttp.createServer((req, res) => {
    (async () => {
      try {
        const body = await readBody(req);
        const url = new URL(req.url ?? '/', 'http://cm-sim.invalid');
        if (url.pathname.toLowerCase().startsWith(ADMIN_PREFIX)) {
          const given = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
          if (!tokensEqual(adminToken, given)) sendJson(res, 401, { Message: 'The simulator admin endpoint needs its token (Authorization: Bearer <token>).' });
          else await serveAdmin(admin, req, res, url, body);
        } else await api.serve(req, res, url, body);
      } catch (err) {
        if (err instanceof BodyTooLarge) sendJson(res, 413, { Message: 'The request entity is too large.' });
        // Like CM: log nothing to the client but a correlation id.
        else if (!res.headersSent) sendServerError(res, randomUUID());
      }
    })().catch(reportFailure('CM simulator: answer'));
  });
}

async function listen(server: Server, host: string, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    const fail = (err: NodeJS.ErrnoException) =>
      reject(new StationError('INTERNAL', `The CM simulator could not listen on ${host}:${port}.`, { cause: err.code ?? null }));
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/**
 * The simulator is its directory (store.ts), the API (api-server.ts over api.ts and execution/), the
 * admin controls (admin.ts, over HTTP admin-routes.ts) and training's scheduled activation (activation.ts),
 * wired here over one HTTP server.
 */
export async function startCmSimulator(options: CmSimulatorOptions = {}): Promise<CmSimulator> {
  const host = options.host ?? '127.0.0.1';
  const dataFile = options.dataFile ?? null;
  const seed = () => structuredClone(options.seed ?? seedDirectory());
  const execution = createLazySimExecution({
    caDir: options.caDir !== undefined ? options.caDir : dataFile === null ? null : dirname(dataFile),
    profiles: options.executionProfiles ?? defaultExecutionProfiles(),
  });
  const adminToken = options.adminToken ?? newSecretToken();
  const faultBook = new FaultBook();
  faultBook.set(options.faults ?? []);
  const record = new RequestRecord();
  const store = await openSimStore(dataFile, seed);
  let lookupScope = options.lookupScope ?? null;
  const activations = scheduleActivations({
    afterMs: options.activateAfterMs ?? null,
    executing: (uuid) => execution.executing(uuid),
    activate: (uuid) => activateCard(store, uuid),
  });
  const api = createApiServer({
    store,
    execution,
    faultBook,
    record,
    newUuid: options.newUuid ?? randomUUID,
    apiOptions: () => ({ lookupScope, retireUnder: options.retireUnder ?? 'any', approval: options.approval ?? 'none' }),
    onAnswer: (answer) => activations.afterBind(answer),
  });
  const admin = createSimulatorAdmin({
    store,
    seed,
    faultBook,
    record,
    execution,
    activations,
    lookupScope: { get: () => lookupScope, set: (userUuid) => (lookupScope = userUuid) },
    initialLookupScope: options.lookupScope ?? null,
  });
  const server = createSimHttpServer(adminToken, admin, api);
  const port = await listen(server, host, options.port ?? 0);
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    baseUrl: `${origin}${API_PREFIX}`,
    adminUrl: `${origin}${ADMIN_PREFIX}`,
    adminToken,
    admin,
    async close() {
      activations.cancelAll();
      api.close();
      // Calls held open by `no-answer` would otherwise keep close() waiting forever.
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.settled();
    },
  };
}
