import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { HOST_TOKEN_FRAGMENT, HOST_TOKEN_QUERY, HOST_WS_PATH } from '../../shared/host-protocol';
import { contentSecurityPolicy } from '../shell-policy';
import { contentTypeFor, resolveStaticPath } from '../shell-policy';
import type { Station } from '../station';
import { newHostToken, originAllowed } from './access';
import { attachStationSocket } from './socket';
import { nodeHttp, reportFailure, tokensEqual } from '../common';
import { learnSecret } from '../log';

export interface HostOptions {
  station: Station;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  port?: number;
  token?: string;
  /** Caps (defaults in HOST_LIMITS); tests lower them. */
  limits?: Partial<HostLimits>;
}

export interface HostLimits {
  /** TCP connections at once (page loads, the WebSocket): one operator's browser needs a handful. */
  connections: number;
  /** Open WebSockets at once. */
  sockets: number;
  /** Requests in flight on one WebSocket; more are answered HOST_BUSY at once. */
  inFlight: number;
}

export const HOST_LIMITS: HostLimits = { connections: 32, sockets: 4, inFlight: 32 };

export interface RunningHost {
  /** The URL to open: it carries the per-run token in its fragment. */
  url: string;
  origin: string;
  token: string;
  close(): Promise<void>;
}

/**
 * Runs the station's contract over a loopback WebSocket and serves the built renderer, so the real
 * UI can be driven in a browser (development, end-to-end tests) with the same main-process services
 * the Electron shell uses. Binds 127.0.0.1 only.
 */
export async function startHost(options: HostOptions): Promise<RunningHost> {
  const token = options.token ?? newHostToken();
  // The token opens the station's contract: it is cut from every log line and support bundle.
  learnSecret(token, 'host token');
  const server = nodeHttp.createServer();
  const wss = new WebSocketServer({ noServer: true, maxPayload: 256 * 1024 });
  const listening = new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  await listening;
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  const limits = { ...HOST_LIMITS, ...options.limits };
  server.maxConnections = limits.connections;
  // DNS rebinding: a page on evil.example whose name now resolves to 127.0.0.1 reaches this port
  // with Host: evil.example:<port>. Only our exact address is served.
  const hostAllowed = (req: IncomingMessage) => req.headers.host === `127.0.0.1:${port}`;
  const csp = contentSecurityPolicy([`ws://127.0.0.1:${port}`]);

  server.on('request', (req, res) => {
    if (!hostAllowed(req)) {
      res.writeHead(421, { 'Content-Length': '0', Connection: 'close' }).end();
      return;
    }
    serveStatic(options.rendererDir, csp, req, res).catch((err: unknown) => {
      reportFailure('host: static file')(err);
      if (!res.headersSent) res.writeHead(500, { 'Content-Length': '0' });
      res.end();
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', origin);
    const refuse = (status: number, text: string): void => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (!hostAllowed(req)) return refuse(421, 'Misdirected Request');
    if (url.pathname !== HOST_WS_PATH) return refuse(404, 'Not Found');
    if (!originAllowed(origin, req.headers.origin)) return refuse(403, 'Forbidden');
    if (!tokensEqual(token, url.searchParams.get(HOST_TOKEN_QUERY))) return refuse(401, 'Unauthorized');
    if (wss.clients.size >= limits.sockets) return refuse(503, 'Service Unavailable');
    wss.handleUpgrade(req, socket, head, (ws) => attachStationSocket(ws, options.station, limits.inFlight));
  });

  return {
    url: `${origin}/#${HOST_TOKEN_FRAGMENT}=${token}`,
    origin,
    token,
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function serveStatic(root: string, csp: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const headers = {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  };
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, headers).end();
    return;
  }
  const path = resolveStaticPath(root, new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
  if (!path) {
    res.writeHead(404, headers).end();
    return;
  }
  try {
    const body = await readFile(path);
    res.writeHead(200, { ...headers, 'Content-Type': contentTypeFor(path) });
    res.end(req.method === 'HEAD' ? undefined : body);
  } catch {
    // A path that cannot be served is a 404; nothing else to report.
    res.writeHead(404, headers).end();
  }
}
