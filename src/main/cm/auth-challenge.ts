import { StationError, type ErrorDetails } from '../../shared/errors';

/**
 * What a CM 401 says about sign-in, and how the station words it.
 *
 * CM's REST API takes an `Authorization` header whose "contents depend on the authentication
 * method ... Windows Integrated Authentication (WIA) or Active Directory Federation Services (ADFS)":
 * https://learn.microsoft.com/microsoft-identity-manager/reference/certificate-management-rest-api-service-details
 * ("HTTP request and response headers"). IIS names the schemes it accepts in `WWW-Authenticate`
 * (RFC 7235 section 4.1): `Negotiate` and `NTLM` for WIA (RFC 4559), `Bearer` for an OAuth (AD FS)
 * protected API (RFC 6750 section 3). So a 401 tells the operator which sign-in CM expects instead
 * of one hint that fits none of them.
 */

/** One challenge: a scheme and, for Negotiate/NTLM, the base64 token that follows it. */
export interface AuthChallenge {
  /** As the server spelled it; compare with `sameScheme`. */
  scheme: string;
  /** The token68 after the scheme (`Negotiate oRQw...`), or null (bare scheme or auth-params). */
  token: string | null;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;

/** Splits on commas outside quoted strings (a realm="a, b" must stay one element). */
function splitOutsideQuotes(header: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < header.length; i++) {
    const ch = header[i]!;
    if (quoted && ch === '\\') {
      current += ch + (header[i + 1] ?? '');
      i++;
      continue;
    }
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) {
      parts.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

/**
 * The challenges of a `WWW-Authenticate` value (several headers arrive joined with ", ").
 * An element that starts with `name=` is an auth-param of the challenge before it, not a scheme.
 * Anything that is not a challenge is ignored: this only informs an error message.
 */
export function parseWwwAuthenticate(header: string | null): AuthChallenge[] {
  if (header === null) return [];
  const challenges: AuthChallenge[] = [];
  for (const element of splitOutsideQuotes(header)) {
    const space = element.search(/\s/);
    const first = space === -1 ? element : element.slice(0, space);
    const rest = space === -1 ? '' : element.slice(space).trim();
    // `realm="x"` (no space before '='): a parameter of the previous challenge.
    if (!TOKEN.test(first)) continue;
    challenges.push({ scheme: first, token: TOKEN68.test(rest) ? rest : null });
  }
  return challenges;
}

export function sameScheme(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

export function offersScheme(challenges: readonly AuthChallenge[], scheme: string): boolean {
  return challenges.some((c) => sameScheme(c.scheme, scheme));
}

/**
 * Why the station's own Negotiate sign-in could not produce or complete a token (the Node
 * transport knows; Electron's network stack does not tell, so the app has only the schemes).
 */
export type NegotiateFailureReason =
  /** No Kerberos ticket / no Windows credentials for this user. */
  | 'no-credentials'
  /** The KDC knows no service principal HTTP/<host>. */
  | 'no-spn'
  /** A token was sent and the server answered 401 again. */
  | 'refused'
  /** The server's final token did not prove it is the CM host (mutual authentication). */
  | 'mutual-auth-failed'
  /** Anything else the Kerberos library reported. */
  | 'other';

export interface NegotiateFailure {
  reason: NegotiateFailureReason;
  /** The library's text (GSSAPI or SSPI), for the details only: it is technical and not localised. */
  detail: string;
}

/** What the transport knows about the sign-in of one exchange (`CmTransportResponse.auth`). */
export interface AuthReport {
  /** The scheme that was answered: 'Negotiate' once a token was sent, 'none' when none was needed or possible. */
  scheme: 'Negotiate' | 'none';
  /** Present when the station tried to sign in and could not. */
  failure?: NegotiateFailure;
}

/** What a 401 said about sign-in: the server's `WWW-Authenticate`, and why our own token failed if known. */
export interface AuthAnswer {
  /** The CM host (the SPN is HTTP/<host>). */
  host: string;
  wwwAuthenticate: string | null;
  failure?: NegotiateFailure | undefined;
}

/** GSSAPI (MIT, Heimdal) and SSPI say the same things differently. */
const REASONS: ReadonlyArray<readonly [RegExp, NegotiateFailureReason]> = [
  [/not found in Kerberos database|Server not found|SEC_E_TARGET_UNKNOWN|target is unknown|0x80090303/i, 'no-spn'],
  [
    /No Kerberos credentials|No credentials (cache|were supplied|are available)|credentials cache .*not found|Ticket expired|SEC_E_NO_CREDENTIALS|0x8009030e|No valid credentials/i,
    'no-credentials',
  ],
];

export function negotiateFailureReason(libraryMessage: string): NegotiateFailureReason {
  return REASONS.find(([pattern]) => pattern.test(libraryMessage))?.[1] ?? 'other';
}

const NEGOTIATE_HINTS: Readonly<Record<NegotiateFailureReason, (host: string) => string>> = {
  'no-credentials': () =>
    'This session has no Windows sign-in (no Kerberos ticket) to send to CM. Sign in to this PC with your domain ' +
    'account (on Linux or macOS: run `kinit`, then check with `klist`) and try again.',
  'no-spn': (host) =>
    `The domain knows no service principal for the CM host "${host}", so no Kerberos ticket can be made for it. ` +
    `Ask IT to check that \`setspn -Q HTTP/${host}\` finds CM's application pool account, and that the CM address ` +
    'uses that exact host name.',
  refused: (host) =>
    `CM refused the Kerberos ticket this session sent. Ask IT to check that HTTP/${host} is registered to CM's ` +
    `application pool account (\`setspn -Q HTTP/${host}\`) and that your account may use CM; \`klist\` shows the tickets this session holds.`,
  'mutual-auth-failed': (host) =>
    `The server at "${host}" did not prove that it is the CM server (Kerberos mutual authentication failed), so the ` +
    'station does not trust its answer. Tell IT: the CM address may point at the wrong server.',
  other: (host) => `Windows sign-in to CM at "${host}" failed. Check \`klist\` for a ticket and ask IT to check \`setspn -Q HTTP/${host}\`.`,
};

/**
 * The CM_AUTH_FAILED for a 401 (or a Negotiate exchange that could not finish), worded by what
 * the server offers and, where the transport knows it, why the station's own token failed.
 */
export function authFailedError(details: ErrorDetails, answer: AuthAnswer | undefined): StationError {
  const host = answer?.host ?? '';
  const failure = answer?.failure;
  const challenges = parseWwwAuthenticate(answer?.wwwAuthenticate ?? null);
  const offered = [...new Set(challenges.map((c) => c.scheme))];
  const windows = offersScheme(challenges, 'Negotiate') || offersScheme(challenges, 'NTLM');
  // IIS refuses a 401 before the API runs: nothing happened. Only a server that answered without
  // proving it is CM (mutual authentication) may have carried out a POST or PUT.
  const outcomeUnknown = failure?.reason === 'mutual-auth-failed' && details.method !== 'GET';
  const all = {
    ...details,
    offeredSchemes: offered,
    outcomeUnknown,
    ...(failure ? { reason: failure.reason, problem: failure.detail.slice(0, 300) } : {}),
  };

  if (failure) return new StationError('CM_AUTH_FAILED', NEGOTIATE_HINTS[failure.reason](host), all);
  if (!windows && offersScheme(challenges, 'Bearer')) {
    return new StationError(
      'CM_AUTH_FAILED',
      'CM asks for AD FS sign-in only. AD FS sign-in is not supported yet: ask the CM administrator to enable ' +
        'Windows authentication (Negotiate) for the CM REST API, or use a CM address that accepts it.',
      { ...all, reason: 'adfs-only' },
    );
  }
  if (!windows) {
    return new StationError(
      'CM_AUTH_FAILED',
      offered.length === 0
        ? 'CM refused the call without saying which sign-in it accepts (HTTP 401). Check that the CM address in settings is the CM REST API.'
        : `CM asks for a sign-in the station does not use (${offered.join(', ')}). Ask the CM administrator to enable Windows authentication (Negotiate) for the CM REST API.`,
      { ...all, reason: 'unsupported-scheme' },
    );
  }
  return new StationError(
    'CM_AUTH_FAILED',
    'CM did not accept your Windows sign-in. Check that this PC is on the domain and you are signed in with your ' +
      `domain account (\`klist\` lists your tickets); if it persists, ask IT to check \`setspn -Q HTTP/${host}\` and ` +
      'that the CM address is allowed for integrated sign-in.',
    { ...all, reason: 'refused' },
  );
}
