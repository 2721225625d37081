// What IIS does in front of CM's REST API with Windows Authentication on (Negotiate), as a reverse
// proxy in front of the CM simulator: a call without `Authorization: Negotiate <token>` gets 401 with
// `WWW-Authenticate: Negotiate` and `WWW-Authenticate: NTLM` (IIS lists each enabled provider); a
// token is checked with GSSAPI against this server's own keytab (the real check: the KDC's ticket
// must decrypt with HTTP/<host>'s key), and only then is the call forwarded, with the server's
// final token in `WWW-Authenticate` for the client's mutual authentication (RFC 4559 section 5).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import kerberos from 'kerberos';

export interface NegotiateProxyOptions {
  /** Origin of the CM simulator, e.g. http://127.0.0.1:41234 */
  target: string;
  /** The acceptor name this server claims, `HTTP@host`; its key must be in `keytab`. */
  acceptor: string;
  keytab: string;
  /** KRB5_CONFIG of the test realm. */
  krb5Config: string;
  /** KRB5RCACHEDIR of the test realm: where the acceptor's replay cache (krb5_<uid>.rcache2) goes. */
  replayCacheDir: string;
  /** Answer every authenticated call with a 302 to this URL instead of forwarding it. */
  redirectAfterAuthTo?: string;
  /** Forward, but leave out the final token: a server that cannot prove it is HTTP/<host>. */
  omitMutualToken?: boolean;
}

export interface ProxyRecord {
  method: string;
  path: string;
  /** The client principal a valid token proved, or null. */
  user: string | null;
  outcome: 'challenged' | 'accepted' | 'rejected';
}

export interface NegotiateProxy {
  /** http://localhost:<port> (the host the SPN names) */
  origin(host: string): string;
  port: number;
  records: ProxyRecord[];
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function challenge(res: ServerResponse): void {
  res.writeHead(401, { 'WWW-Authenticate': ['Negotiate', 'NTLM'], 'Content-Type': 'text/html' });
  res.end('<h1>401 - Unauthorized</h1>');
}

export async function startNegotiateProxy(options: NegotiateProxyOptions): Promise<NegotiateProxy> {
  // GSSAPI reads these from the process environment; the proxy owns this test process's acceptor side.
  process.env.KRB5_CONFIG = options.krb5Config;
  process.env.KRB5_KTNAME = `FILE:${options.keytab}`;
  // The acceptor's replay cache goes in the test realm's folder that the KDC removes at close, not in
  // TMPDIR (or /var/tmp) where it would outlive the run.
  process.env.KRB5RCACHEDIR = options.replayCacheDir;
  const records: ProxyRecord[] = [];

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const path = req.url ?? '/';
    const method = req.method ?? 'GET';
    const authorization = req.headers.authorization ?? '';
    const match = /^Negotiate\s+(\S+)$/i.exec(authorization);
    if (!match) {
      records.push({ method, path, user: null, outcome: 'challenged' });
      return challenge(res);
    }
    let server: Awaited<ReturnType<typeof kerberos.initializeServer>>;
    try {
      server = await kerberos.initializeServer(options.acceptor);
      await server.step(match[1]!);
      if (!server.contextComplete) throw new Error('context not complete');
    } catch {
      records.push({ method, path, user: null, outcome: 'rejected' });
      return challenge(res);
    }
    records.push({ method, path, user: server.username, outcome: 'accepted' });
    const mutual: Record<string, string> = options.omitMutualToken ? {} : { 'WWW-Authenticate': `Negotiate ${server.response}` };
    if (options.redirectAfterAuthTo) {
      res.writeHead(302, { ...mutual, Location: options.redirectAfterAuthTo });
      return void res.end();
    }
    const upstream = await fetch(options.target + path, {
      method,
      headers: Object.fromEntries(['accept', 'content-type'].flatMap((name) => (typeof req.headers[name] === 'string' ? [[name, req.headers[name]]] : []))),
      ...(body.length ? { body } : {}),
    });
    res.writeHead(upstream.status, { ...mutual, 'Content-Type': upstream.headers.get('content-type') ?? 'application/json' });
    res.end(Buffer.from(await upstream.arrayBuffer()));
  }

  const http = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      res.writeHead(500);
      res.end(String(err));
    });
  });
  // Every address (IPv4 and IPv6): `localhost` may resolve to either. Private to the test namespace.
  await new Promise<void>((resolve) => http.listen(0, resolve));
  const port = (http.address() as AddressInfo).port;
  return {
    port,
    records,
    origin: (host) => `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}

/** Any server on another host: records whatever reaches it, and whether it carried a token. */
export async function startCollector(
  host: string,
): Promise<{ url: string; seen: Array<{ path: string; authorization: string | null }>; close(): Promise<void> }> {
  const seen: Array<{ path: string; authorization: string | null }> = [];
  const http = createServer((req, res) => {
    seen.push({ path: req.url ?? '/', authorization: req.headers.authorization ?? null });
    challenge(res);
  });
  await new Promise<void>((resolve) => http.listen(0, host, resolve));
  const port = (http.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}/CertificateManagement/api/v1.0/`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}
