/**
 * The string Chromium gets for integrated Windows sign-in (`session.allowNTLMCredentialsForDomains`,
 * Chromium's AuthServerAllowlist): the servers to which the operator's Kerberos/NTLM credentials may
 * be sent. Pure, so the shell and its tests agree on it.
 *
 * It is never empty. Chromium treats an empty list as "no list" and falls back to the operating
 * system's policy: on Windows, every host in the Local Intranet zone would silently get the
 * operator's credentials. So:
 * - `allowedAuthDomains` set (usually by IT policy): exactly those patterns (`cm.contoso.com`,
 *   `*.contoso.com`), comma-separated as Chromium reads them.
 * - empty: exactly the host of the CM address the station runs with (no wildcard, no port).
 * - empty and no CM address (training, or not configured yet): a name that can never resolve
 *   (`.invalid` is reserved for that, RFC 6761 section 6.4), so no server gets credentials.
 */
export const NO_AUTH_SERVER = 'no-integrated-sign-in.invalid';

export function integratedAuthAllowlist(cmBaseUrl: string, allowedAuthDomains: readonly string[]): string {
  if (allowedAuthDomains.length > 0) return allowedAuthDomains.join(',');
  if (cmBaseUrl === '') return NO_AUTH_SERVER;
  try {
    // URL.hostname: lower-case, no port, IPv6 in brackets, as Chromium matches it.
    return new URL(cmBaseUrl).hostname || NO_AUTH_SERVER;
  } catch {
    // No usable CM URL: integrated sign-in is offered to no server (fail safe).
    return NO_AUTH_SERVER;
  }
}
