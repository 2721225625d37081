import { net, session } from 'electron';
import type { CmTransport } from '../cm';

/**
 * The CM transport in the desktop app: Electron's `net` stack, i.e. Chromium's. That gives the
 * operator's Windows session for Kerberos/NTLM (Negotiate) without the station ever handling a
 * password, the system proxy settings and the OS certificate store, exactly like a browser on
 * the same PC would get against the CM site.
 */
export const electronNetTransport: CmTransport = (url, init) =>
  net.fetch(url, {
    method: init.method,
    headers: init.headers,
    body: init.body,
    signal: init.signal,
    // Redirects from the CM API are not expected; following one could send the body elsewhere.
    redirect: 'error',
  });

/**
 * Integrated auth is answered only for the hosts IT allows (settings.allowedAuthDomains, usually
 * locked by policy), so a redirect or a mistyped URL cannot collect the operator's credentials.
 */
export function allowIntegratedAuthFor(domains: readonly string[]): void {
  session.defaultSession.allowNTLMCredentialsForDomains(domains.join(','));
}
