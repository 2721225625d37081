import type { AuthReport } from './auth-challenge';

/**
 * The one door the CM client uses to talk HTTP. A subset of `fetch` so both Node's fetch (tests,
 * host) and Electron's `net.fetch` (the app: integrated Windows auth, system proxy and certificate
 * store) fit without adapters.
 */
export interface CmTransportInit {
  method: 'GET' | 'POST' | 'PUT';
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
  /** 'manual': a 3xx comes back as an answer (reported as a configuration error), never followed. */
  redirect?: 'manual';
}

export interface CmTransportResponse {
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
  /**
   * How this exchange signed in, when the transport knows (the Node Negotiate transport does;
   * Electron's `net.fetch` does not say). The client words a 401 by it and `cm-check` reports it.
   */
  auth?: AuthReport;
}

export type CmTransport = (url: string, init: CmTransportInit) => Promise<CmTransportResponse>;

/**
 * Node's global fetch: no Windows sign-in at all (undici has no Negotiate). Only for servers that
 * need none, in tests (training reaches its simulator with `nodeHttpTransport`, node-http.ts). A real
 * CM needs `createNegotiateTransport` (negotiate-transport.ts).
 */
export const nodeFetchTransport: CmTransport = (url, init) => fetch(url, init);
