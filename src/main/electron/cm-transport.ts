import { net, session } from 'electron';
import type { CmTransport } from '../cm';
import type { SettingsService } from '../config';
import { integratedAuthAllowlist } from './auth-allowlist';

/**
 * The CM transport in the desktop app (and its `--cli`): Electron's `net` stack, i.e. Chromium's.
 * That gives the operator's Windows session for Kerberos/NTLM (Negotiate) without the station ever
 * handling a password, the system proxy settings and the OS certificate store, exactly like a
 * browser on the same PC would get against the CM site.
 *
 * Credentials go only to the hosts of `integratedAuthAllowlist` (never an empty list, see there).
 * `scopeTo` runs before the station exists (RuntimeOptions.beforeCm), so no CM call (a replay of
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

export function createScopedCmTransport(): ScopedCmTransport {
  let current: string | null = null;
  const apply = (cmBaseUrl: string, domains: readonly string[]) => {
    const allowlist = integratedAuthAllowlist(cmBaseUrl, domains);
    if (allowlist === current) return;
    session.defaultSession.allowNTLMCredentialsForDomains(allowlist);
    current = allowlist;
  };
  return {
    transport: (url, init) =>
      net.fetch(url, {
        method: init.method,
        headers: init.headers,
        body: init.body,
        signal: init.signal,
        // Never follow a redirect: the next host could collect the body, and a token with it. The
        // 3xx itself comes back, so the client reports CM_REDIRECTED naming the target (a
        // configuration error) instead of "unreachable".
        redirect: 'manual',
      }),
    scopeTo(settings) {
      const cmBaseUrl = settings.effective().cmBaseUrl;
      apply(cmBaseUrl, settings.effective().allowedAuthDomains);
      settings.subscribe(() => apply(cmBaseUrl, settings.effective().allowedAuthDomains));
    },
  };
}
