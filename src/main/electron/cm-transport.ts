import { net, session, type ClientRequest, type IncomingMessage } from 'electron';
import type { CmTransport, CmTransportInit, CmTransportResponse } from '../cm';
import type { SettingsService } from '../config';
import { integratedAuthAllowlist } from './auth-allowlist';

/**
 * The CM transport in the desktop app (and its `--cli`): Electron's `net` stack, i.e. Chromium's.
 * That gives the operator's Windows session for Kerberos/NTLM (Negotiate) without the station ever
 * handling a password, the system proxy settings and the OS certificate store, exactly like a
 * browser on the same PC would get against the CM site.
 *
 * Credentials go only to the hosts of `integratedAuthAllowlist` (never an empty list, see there).
 * `scopeTo` runs before the station exists (StartStationOptions.beforeCm), so no CM call (a replay of
 * the outbox at start-up, above all) can reach Chromium before the list is set; the compiled-shell
 * test checks that order.
 */
export interface ScopedCmTransport {
  transport: CmTransport;
  /**
   * Sets the allowlist from the settings in effect and keeps it in step with them: the CM address
   * is the one the station started with (a new address applies on restart), the domains follow
   * every change (a policy change takes effect at once).
   */
  scopeTo(settings: SettingsService): void;
}

/** Electron's IncomingMessage headers: lower-case names, a value or a list of values. */
function headersOf(raw: Record<string, string | string[]>): CmTransportResponse['headers'] {
  return {
    get(name) {
      const value = raw[name.toLowerCase()];
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
    },
  };
}

/**
 * One exchange through `net.request` (Electron's ClientRequest). Not `net.fetch`: with
 * `redirect: 'manual'` it rejects with "Redirect was cancelled" (electron/electron#43715), which
 * reads as "CM unreachable". Here a redirect is never followed (the next host could collect the body
 * and a token with it): the `redirect` event's target is recorded, the request aborted, and the 3xx
 * handed back as an answer, so the client reports CM_REDIRECTED naming the target.
 */
export function netRequestTransport(url: string, init: CmTransportInit): Promise<CmTransportResponse> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      init.signal.removeEventListener('abort', onAbort);
      outcome();
    };
    // `credentials: 'include'`: the session's integrated sign-in (limited to the allowlist) is used.
    const request: ClientRequest = net.request({ url, method: init.method, redirect: 'manual', credentials: 'include' });
    function onAbort(): void {
      request.abort();
      settle(() => reject(new DOMException('The CM call was aborted.', 'AbortError')));
    }
    init.signal.addEventListener('abort', onAbort);
    request.on('redirect', (statusCode: number, _method: string, redirectUrl: string) => {
      // Not followed: followRedirect() is never called. Aborting ends the request; the 3xx is the answer.
      request.abort();
      settle(() => resolve({ status: statusCode, headers: headersOf({ location: redirectUrl }), text: () => Promise.resolve('') }));
    });
    request.on('response', (response: IncomingMessage) => {
      // The body is read under the caller's timer: a server can stall after the headers.
      const body = new Promise<string>((resolveBody, rejectBody) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
        response.on('error', (err: Error) => rejectBody(err));
        response.on('aborted', () => rejectBody(new Error('net::ERR_CONNECTION_CLOSED: the answer was cut off')));
        init.signal.addEventListener('abort', () => rejectBody(new DOMException('The CM call was aborted.', 'AbortError')), { once: true });
      });
      body.catch(() => {
        // Read by the caller, who gets this failure; it must not go unhandled if the caller never reads it.
      });
      settle(() => resolve({ status: response.statusCode, headers: headersOf(response.headers), text: () => body }));
    });
    request.on('error', (err: Error) => settle(() => reject(err)));
    request.on('abort', () => settle(() => reject(new DOMException('The CM call was aborted.', 'AbortError'))));
    for (const [name, value] of Object.entries(init.headers)) request.setHeader(name, value);
    if (init.body !== undefined) request.write(init.body);
    request.end();
  });
}

export function createScopedCmTransport(): ScopedCmTransport {
  let current: string | null = null;
  const apply = (cmBaseUrl: string, domains: readonly string[]) => {
    const allowlist = integratedAuthAllowlist(cmBaseUrl, domains);
    if (allowlist === current) return;
    session.defaultSession.allowNTLMCredentialsForDomains(allowlist);
    current = allowlist;
  };
  return {
    transport: netRequestTransport,
    scopeTo(settings) {
      const cmBaseUrl = settings.effective().cmBaseUrl;
      apply(cmBaseUrl, settings.effective().allowedAuthDomains);
      settings.subscribe(() => apply(cmBaseUrl, settings.effective().allowedAuthDomains));
    },
  };
}
