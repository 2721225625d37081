/**
 * The renderer's Content-Security-Policy, shared by the Electron shell (response header on the app
 * protocol) and the host (HTTP header), so both serve the page under the same rules.
 * `connectSrc` lets the host page open its WebSocket back to the host; the Electron page needs none.
 */
export function contentSecurityPolicy(connectSrc: readonly string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${["'self'", ...connectSrc].join(' ')}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
