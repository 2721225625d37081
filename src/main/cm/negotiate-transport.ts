import type { KerberosClient } from 'kerberos';
import { nodeHttp, nodeHttps } from '../common';
import { negotiateFailureReason, offersScheme, parseWwwAuthenticate, sameScheme, type AuthReport, type NegotiateFailure } from './auth-challenge';
import { headerOf, type HttpAnswer, sendHttp } from './node-http';
import type { CmTransport, CmTransportResponse } from './transport';

/**
 * The CM transport under plain Node (CLI, host, cm-check): HTTP with Windows Integrated
 * Authentication, which CM's REST API requires (Negotiate, RFC 4559).
 *
 * - The token comes from the current user's credentials through the `kerberos` binding (the one
 *   the MongoDB driver uses): SSPI's Negotiate package on Windows (Kerberos, NTLM fallback),
 *   GSSAPI's SPNEGO on Linux and macOS (the user's ticket cache; Kerberos only). No password is
 *   ever handled by the station.
 * - Service principal HTTP/<host of the CM address>, exactly as typed: the SPN IT registers.
 * - Mutual authentication: the server's final `WWW-Authenticate: Negotiate <token>` must complete
 *   the context, or the answer is not trusted (a server without CM's key cannot produce it).
 * - One connection per exchange (a keep-alive agent with a single socket): IIS ties a Negotiate
 *   handshake to its connection, and no other call can take the socket mid-handshake.
 * - Redirects are never followed, so a token is only ever sent to the host of the CM address.
 */

/**
 * The part of the `kerberos` package this uses (loaded lazily: training mode never needs it).
 * Option names as its README and index.d.ts document `initializeClient` (`mechOID`, `flags`;
 * src/win32/kerberos_win32.cc and src/unix/kerberos_unix.cc read exactly those).
 */
export interface KerberosBinding {
  initializeClient(service: string, options: { mechOID: number; flags: number }): Promise<KerberosClient>;
  GSS_MECH_OID_SPNEGO: number;
  GSS_C_MUTUAL_FLAG: number;
  GSS_C_SEQUENCE_FLAG: number;
}

export interface NegotiateTransportOptions {
  /** Defaults to the `kerberos` package. */
  loadKerberos?: () => Promise<KerberosBinding>;
  /**
   * Told how each exchange signed in (also on `response.auth`): `cm-check` reports the scheme that
   * worked even when it only sees the CM client's results.
   */
  onAuth?: (url: string, report: AuthReport) => void;
}

/** NTLM through SSPI takes three legs; Kerberos one (plus the mutual token in the final answer). */
const MAX_LEGS = 3;

/**
 * The CM service principal in the form each library takes: SSPI wants the SPN itself
 * (`HTTP/cm.contoso.com`, what `setspn` lists); GSSAPI a host-based service name (`HTTP@cm.contoso.com`),
 * which it maps to the same principal. (The MongoDB driver names its SPN the same way for this binding.)
 */
export function servicePrincipal(host: string, platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32' ? `HTTP/${host}` : `HTTP@${host}`;
}

async function loadKerberosPackage(): Promise<KerberosBinding> {
  const mod = (await import('kerberos')) as unknown as KerberosBinding & { default?: KerberosBinding };
  return mod.default ?? mod;
}

/** The Negotiate token in an answer's `WWW-Authenticate`, if any. */
function negotiateToken(answer: HttpAnswer): string | null {
  const challenge = parseWwwAuthenticate(headerOf(answer, 'WWW-Authenticate')).find((c) => sameScheme(c.scheme, 'Negotiate'));
  return challenge?.token ?? null;
}

function toResponse(answer: HttpAnswer, auth: AuthReport): CmTransportResponse {
  return { status: answer.status, headers: { get: (name) => headerOf(answer, name) }, text: () => Promise.resolve(answer.body), auth };
}

function libraryFailure(err: unknown): NegotiateFailure {
  const detail = err instanceof Error ? err.message : String(err);
  return { reason: negotiateFailureReason(detail), detail };
}

/**
 * Whether the security context is established. `contextComplete` alone cannot say so on Windows:
 * kerberos 7.0.0's SSPI client (src/win32/kerberos_sspi.cc, auth_sspi_client_step) sets it after
 * every step, SEC_I_CONTINUE_NEEDED included. Both implementations fill `username` only once the
 * context is complete (SSPI on SEC_E_OK, from SECPKG_ATTR_NAMES; GSSAPI on GSS_S_COMPLETE, from
 * gss_inquire_context), so a complete context is one that also names the signed-in user.
 */
function established(client: KerberosClient): boolean {
  const username: unknown = client.username;
  return client.contextComplete && typeof username === 'string' && username !== '';
}

/**
 * A 2xx/4xx/5xx that carries the answer of an authenticated call: trusted only once the context is
 * established, the server's final token (`WWW-Authenticate: Negotiate <token>`, RFC 4559 section 5,
 * Kerberos' AP-REP) fed to it first. Otherwise a 401 is reported in its place, so nothing acts on it.
 * NTLM (SSPI's fallback) completes on the client's third message and has no server proof to check.
 */
async function mutuallyAuthenticated(client: KerberosClient, answer: HttpAnswer): Promise<NegotiateFailure | null> {
  const token = negotiateToken(answer);
  try {
    if (!established(client) && token !== null) await client.step(token);
  } catch (err) {
    return { reason: 'mutual-auth-failed', detail: err instanceof Error ? err.message : String(err) };
  }
  if (established(client)) return null;
  const detail = token === null ? 'The answer carried no final Negotiate token.' : 'The final Negotiate token did not complete the sign-in.';
  return { reason: 'mutual-auth-failed', detail };
}

export function createNegotiateTransport(options: NegotiateTransportOptions = {}): CmTransport {
  const transport = negotiate(options.loadKerberos ?? loadKerberosPackage);
  const onAuth = options.onAuth;
  if (!onAuth) return transport;
  return async (href, init) => {
    const response = await transport(href, init);
    if (response.auth) onAuth(href, response.auth);
    return response;
  };
}

function negotiate(loadKerberos: () => Promise<KerberosBinding>): CmTransport {
  let kerberos: Promise<KerberosBinding> | null = null;

  return async (href, init) => {
    const url = new URL(href);
    const Agent = url.protocol === 'https:' ? nodeHttps().Agent : nodeHttp.Agent;
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await sendHttp(url, init, agent, null);
      // Not asked to sign in (or asked for something else: the client words that 401), or a
      // redirect, which is returned as it is and never followed.
      if (first.status !== 401 || !offersScheme(parseWwwAuthenticate(headerOf(first, 'WWW-Authenticate')), 'Negotiate')) {
        return toResponse(first, { scheme: 'none' });
      }

      let client: KerberosClient;
      let token: string;
      try {
        kerberos ??= loadKerberos();
        const k = await kerberos;
        client = await k.initializeClient(servicePrincipal(url.hostname), {
          mechOID: k.GSS_MECH_OID_SPNEGO,
          // Mutual authentication asked for: the server must prove it holds CM's key.
          flags: k.GSS_C_MUTUAL_FLAG | k.GSS_C_SEQUENCE_FLAG,
        });
        token = await client.step('');
      } catch (err) {
        // No ticket, no SPN, no binding: CM's own 401 is the answer, with the reason beside it.
        return toResponse(first, { scheme: 'none', failure: libraryFailure(err) });
      }

      // Every leg on the same keep-alive connection (the agent's single socket): NTLM's challenge
      // and the client's answer to it belong to the connection that carried the first message.
      let answer = await sendHttp(url, init, agent, `Negotiate ${token}`);
      for (let leg = 1; answer.status === 401; leg++) {
        const challenge = negotiateToken(answer);
        // A 401 without a continuation token (or past the legs any mechanism needs) is a refusal.
        if (challenge === null || established(client) || leg >= MAX_LEGS) {
          return toResponse(answer, { scheme: 'Negotiate', failure: { reason: 'refused', detail: 'The server answered 401 to the Negotiate token.' } });
        }
        try {
          token = await client.step(challenge);
        } catch (err) {
          return toResponse(answer, { scheme: 'Negotiate', failure: libraryFailure(err) });
        }
        answer = await sendHttp(url, init, agent, `Negotiate ${token}`);
      }

      const mutual = await mutuallyAuthenticated(client, answer);
      if (mutual !== null) {
        // Reported as a 401 so the client never reads an answer from a server it cannot trust.
        return toResponse({ ...answer, status: 401, body: '' }, { scheme: 'Negotiate', failure: mutual });
      }
      return toResponse(answer, { scheme: 'Negotiate' });
    } finally {
      agent.destroy();
    }
  };
}
