import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createCmClient, nodeFetchTransport, nodeHttpTransport, type CmTransport } from '../../../src/main/cm';
import { createNegotiateTransport, servicePrincipal } from '../../../src/main/cm/negotiate-transport';
import { negotiateFailureReason, parseWwwAuthenticate } from '../../../src/main/cm/auth-challenge';
import { stationError } from './harness';

// WWW-Authenticate values as RFC 7235 section 4.1 (syntax), RFC 4559 (Negotiate), RFC 6750
// section 3 (Bearer) and IIS with Windows Authentication (one header per provider) write them.
describe('parseWwwAuthenticate', () => {
  it.each([
    [null, []],
    ['Negotiate', [{ scheme: 'Negotiate', token: null }]],
    // IIS sends one header per provider; HTTP joins repeated headers with ", ".
    [
      'Negotiate, NTLM',
      [
        { scheme: 'Negotiate', token: null },
        { scheme: 'NTLM', token: null },
      ],
    ],
    ['Negotiate oYG3MIG0oAMKAQChCwYJKoZIgvcSAQICooGf==', [{ scheme: 'Negotiate', token: 'oYG3MIG0oAMKAQChCwYJKoZIgvcSAQICooGf==' }]],
    ['Bearer realm="example"', [{ scheme: 'Bearer', token: null }]],
    ['Bearer realm="example", error="invalid_token", error_description="The access token expired"', [{ scheme: 'Bearer', token: null }]],
    // A comma inside a quoted auth-param is not a new challenge.
    [
      'Basic realm="CM, production", Negotiate',
      [
        { scheme: 'Basic', token: null },
        { scheme: 'Negotiate', token: null },
      ],
    ],
    ['  ,  ', []],
  ])('%j', (header, expected) => {
    expect(parseWwwAuthenticate(header)).toEqual(expected);
  });
});

describe('negotiateFailureReason (GSSAPI and SSPI wording)', () => {
  it.each([
    ['Miscellaneous failure (see text): No credentials cache found (filename: /tmp/krb5cc_0)', 'no-credentials'],
    ['No Kerberos credentials available (default cache: FILE:/tmp/x)', 'no-credentials'],
    ['Miscellaneous failure (see text): Ticket expired', 'no-credentials'],
    ['SEC_E_NO_CREDENTIALS', 'no-credentials'],
    ['Miscellaneous failure (see text): Server HTTP/cm.contoso.com@CONTOSO.COM not found in Kerberos database', 'no-spn'],
    ['SEC_E_TARGET_UNKNOWN: The specified target is unknown or unreachable', 'no-spn'],
    ['Unspecified GSS failure.  Minor code may provide more information', 'other'],
  ])('%s -> %s', (message, reason) => {
    expect(negotiateFailureReason(message)).toBe(reason);
  });
});

/** A real HTTP server answering every call with `answer`; records what reached it. */
async function server(answer: (req: IncomingMessage, res: ServerResponse) => void) {
  const seen: Array<{ url: string; authorization: string | null }> = [];
  const http = createServer((req, res) => {
    seen.push({ url: req.url ?? '', authorization: req.headers.authorization ?? null });
    answer(req, res);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}/CertificateManagement/api/v1.0/`;
  closers.push(() => new Promise<void>((resolve) => http.close(() => resolve())));
  return { base, seen };
}
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

const unauthorized =
  (...schemes: string[]) =>
  (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(401, { 'WWW-Authenticate': schemes, 'Content-Type': 'text/html' });
    res.end('401 - Unauthorized');
  };

/** The binding must not be touched: the server never asked for Negotiate. */
const noKerberos = createNegotiateTransport({
  loadKerberos: () => Promise.reject(new Error('the Kerberos binding was loaded although no Negotiate was offered')),
});

function listWith(transport: CmTransport, baseUrl: string) {
  return createCmClient({ baseUrl, transport, getRetries: 0, timeoutMs: 5_000 }).listProfileTemplates();
}

describe('401 worded by the schemes CM offers', () => {
  it.each([
    ['node fetch', nodeFetchTransport],
    ['node http (training)', nodeHttpTransport],
    ['negotiate transport', noKerberos],
  ] as const)('AD FS only (Bearer): "AD FS sign-in is not supported yet" (%s)', async (_name, transport) => {
    const { base } = await server(unauthorized('Bearer realm="https://adfs.contoso.com/adfs"'));
    const err = await stationError(listWith(transport, base));
    expect(err.code).toBe('CM_AUTH_FAILED');
    expect(err.message).toMatch(/AD FS sign-in is not supported yet/);
    expect(err.details).toMatchObject({ status: 401, offeredSchemes: ['Bearer'], reason: 'adfs-only', outcomeUnknown: false });
  });

  it('Negotiate and NTLM offered but refused: the Windows sign-in hint naming klist and setspn for the host', async () => {
    const { base } = await server(unauthorized('Negotiate', 'NTLM'));
    const err = await stationError(listWith(nodeFetchTransport, base));
    expect(err.message).toMatch(/did not accept your Windows sign-in/);
    expect(err.message).toContain('`klist`');
    expect(err.message).toContain('setspn -Q HTTP/127.0.0.1');
    expect(err.details).toMatchObject({ offeredSchemes: ['Negotiate', 'NTLM'], reason: 'refused' });
  });

  it('Bearer beside Negotiate is a Windows sign-in problem, not AD FS', async () => {
    const { base } = await server(unauthorized('Bearer', 'Negotiate'));
    const err = await stationError(listWith(nodeFetchTransport, base));
    expect(err.message).not.toMatch(/AD FS/);
    expect(err.message).toMatch(/Windows sign-in/);
  });

  it('Basic only: a sign-in the station does not use, named', async () => {
    const { base } = await server(unauthorized('Basic realm="cm"'));
    const err = await stationError(listWith(noKerberos, base));
    expect(err.message).toMatch(/does not use \(Basic\)/);
  });

  it('no WWW-Authenticate at all: says so', async () => {
    const { base } = await server((_req, res) => {
      res.writeHead(401);
      res.end();
    });
    const err = await stationError(listWith(noKerberos, base));
    expect(err.message).toMatch(/without saying which sign-in/);
    expect(err.details).toMatchObject({ offeredSchemes: [] });
  });
});

describe('Negotiate transport without a KDC', () => {
  it('names HTTP/<host> as each library takes it: the SPN for SSPI, a host-based service for GSSAPI', () => {
    expect(servicePrincipal('cm.contoso.com', 'win32')).toBe('HTTP/cm.contoso.com');
    expect(servicePrincipal('cm.contoso.com', 'linux')).toBe('HTTP@cm.contoso.com');
    expect(servicePrincipal('cm.contoso.com', 'darwin')).toBe('HTTP@cm.contoso.com');
  });

  it('passes an answer that needs no sign-in through, reporting scheme "none" (on the response and to onAuth)', async () => {
    const { base, seen } = await server((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('[]');
    });
    const reports: unknown[] = [];
    const transport = createNegotiateTransport({
      loadKerberos: () => Promise.reject(new Error('not asked for Negotiate')),
      onAuth: (url, report) => reports.push([url, report]),
    });
    const response = await transport(`${base}profiletemplates`, { method: 'GET', headers: {}, signal: AbortSignal.timeout(5_000) });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('[]');
    expect(response.auth).toEqual({ scheme: 'none' });
    expect(reports).toEqual([[`${base}profiletemplates`, { scheme: 'none' }]]);
    expect(seen).toEqual([{ url: '/CertificateManagement/api/v1.0/profiletemplates', authorization: null }]);
  });

  it('never follows a redirect: the other host receives nothing', async () => {
    const other = await server(unauthorized('Negotiate'));
    const { base } = await server((_req, res) => {
      res.writeHead(302, { Location: `${other.base}profiletemplates` });
      res.end();
    });
    const response = await noKerberos(`${base}profiletemplates`, { method: 'GET', headers: {}, signal: AbortSignal.timeout(5_000) });
    expect(response.status).toBe(302);
    expect(other.seen).toEqual([]);
  });
});
