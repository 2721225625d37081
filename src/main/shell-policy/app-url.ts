/**
 * The renderer is served from a custom privileged scheme (checklist 1 and 18: never a remote page,
 * prefer a custom protocol over file://). All URL decisions parse the URL and compare its parts;
 * prefix matching on strings is how `app://station.evil.example` slips through.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'station';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    // Not a URL: refused by the caller (no navigation), which is the intended outcome.
    return null;
  }
}

export function isAppUrl(url: string): boolean {
  const parsed = parse(url);
  return (
    parsed !== null &&
    parsed.protocol === `${APP_SCHEME}:` &&
    parsed.hostname === APP_HOST &&
    parsed.port === '' &&
    parsed.username === '' &&
    parsed.password === ''
  );
}

/** Checklist 13: the page never navigates anywhere, not even within the app (it is a single page). */
export function navigationAllowed(targetUrl: string, currentUrl: string): boolean {
  return isAppUrl(targetUrl) && isAppUrl(currentUrl) && new URL(targetUrl).pathname === new URL(currentUrl).pathname;
}

/** Checklist 17: only our own top-level page may call the station. */
export function senderAllowed(frameUrl: string | undefined, isMainFrame: boolean): boolean {
  return isMainFrame && typeof frameUrl === 'string' && isAppUrl(frameUrl);
}

/** Checklist 15: links the operator may open in the system browser (help pages named by policy). */
export function externalUrlAllowed(url: string, allowedHosts: readonly string[]): boolean {
  const parsed = parse(url);
  return (
    parsed !== null &&
    parsed.protocol === 'https:' &&
    parsed.username === '' &&
    parsed.password === '' &&
    allowedHosts.some((host) => host.toLowerCase() === parsed.hostname.toLowerCase())
  );
}
