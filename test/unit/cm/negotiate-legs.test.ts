import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KerberosClient } from 'kerberos';
import { afterEach, describe, expect, it } from 'vitest';
import { createCmClient } from '../../../src/main/cm';
import { createNegotiateTransport, type KerberosBinding } from '../../../src/main/cm/negotiate-transport';
import { stationError } from './harness';

/*
 * Negotiate leg by leg (RFC 4559) against a fake IIS answering recorded leg shapes, with a stubbed
 * `kerberos` client that behaves as the package's two implementations do (kerberos 7.0.0):
 * - SSPI (Windows, src/win32/kerberos_sspi.cc): `contextComplete` is true after EVERY step;
 *   `username` is set only when InitializeSecurityContext returns SEC_E_OK.
 * - GSSAPI (Linux/macOS, src/unix/kerberos_gss.cc): `contextComplete` and `username` both set on
 *   GSS_S_COMPLETE only.
 * Token shapes: Kerberos through SPNEGO (an InitialContextToken, 0x60 = "YI", the server's
 * negTokenResp accept-completed, 0xa1 = "oY"), NTLM as SSPI's Negotiate package sends it when no
 * Kerberos ticket can be had: raw NTLMSSP messages (MS-NLMP 2.2.1: "NTLMSSP\0" then the message
 * type 1, 2 or 3) inside `Negotiate`, the challenge on a 401 of the same keep-alive connection.
 */

const KERBEROS_AP_REQ = 'YIIGgAYJKoZIhvcSAQICAQBuggZvMIIGa6ADAgEFoQMCAQ6iBwMFACAAAACjggSPYYIEizCCBIeg';
const SERVER_MUTUAL = 'oYG3MIG0oAMKAQChCwYJKoZIgvcSAQICooGfBIGcYIGZBgkqhkiG9xIBAgICAG+BiTCBhqADAgEFoQMCAQ8=';
const FORGED_MUTUAL = 'oYG3MIG0oAMKAQChCwYJKoZIgvcSAQICooGfBIGcYIGZBgkqhkiG9xIBAgICAG+BiTCBhqADAgEFoQMCAQA=';

/** An NTLMSSP message of the given type (MS-NLMP 2.2.1), padded as the real ones are, base64. */
function ntlm(type: 1 | 2 | 3, body = 'contoso'): string {
  const header = Buffer.alloc(12);
  header.write('NTLMSSP\0', 0, 'latin1');
  header.writeUInt32LE(type, 8);
  return Buffer.concat([header, Buffer.from(body.padEnd(28, '\0'), 'latin1')]).toString('base64');
}
function ntlmType(token: string): number | null {
  const bytes = Buffer.from(token, 'base64');
  return bytes.subarray(0, 8).toString('latin1') === 'NTLMSSP\0' ? bytes.readUInt32LE(8) : null;
}

type Behaviour = 'sspi' | 'gssapi';

/** A stubbed client: `legs` maps each server token (''/first step) to the answer, or throws. */
function stubClient(behaviour: Behaviour, legs: Array<{ given: string; answer: string; completes?: boolean } | { given: string; throws: string }>) {
  const fed: string[] = [];
  const client = {
    contextComplete: false,
    username: null as string | null,
    response: '',
    responseConf: '',
    async step(challenge: string): Promise<string> {
      fed.push(challenge);
      const leg = legs.find((l) => l.given === challenge);
      if (!leg) throw new Error(`InitializeSecurityContext: SEC_E_INVALID_TOKEN (unexpected token ${challenge.slice(0, 12)})`);
      if ('throws' in leg) throw new Error(leg.throws);
      const complete = leg.completes ?? false;
      if (complete) client.username = 'dana@CONTOSO.COM';
      // SSPI marks the context complete after any successful step; GSSAPI only when it is.
      client.contextComplete = behaviour === 'sspi' ? true : complete;
      return leg.answer;
    },
    wrap: () => Promise.reject(new Error('not used')),
    unwrap: () => Promise.reject(new Error('not used')),
  };
  return { client: client as unknown as KerberosClient, fed };
}

function binding(client: KerberosClient) {
  const options: unknown[] = [];
  const k: KerberosBinding = {
    // The values kerberos 7.0.0 exports (src/kerberos.cc: GSS_C_MUTUAL_FLAG 2, GSS_C_SEQUENCE_FLAG 8, GSS_MECH_OID_SPNEGO 6).
    GSS_MECH_OID_SPNEGO: 6,
    GSS_C_MUTUAL_FLAG: 2,
    GSS_C_SEQUENCE_FLAG: 8,
    initializeClient: async (service, opts) => {
      options.push({ service, ...opts });
      return client;
    },
  };
  return { load: () => Promise.resolve(k), options };
}

/** A fake IIS: `answer` sees each request with the socket it came on; records what reached it. */
async function iis(answer: (req: IncomingMessage, res: ServerResponse, socketId: number) => void) {
  const seen: Array<{ socket: number; authorization: string | null }> = [];
  const sockets = new WeakMap<object, number>();
  let next = 0;
  const http = createServer((req, res) => {
    if (!sockets.has(req.socket)) sockets.set(req.socket, ++next);
    const socket = sockets.get(req.socket)!;
    seen.push({ socket, authorization: req.headers.authorization ?? null });
    answer(req, res, socket);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}/CertificateManagement/api/v1.0/`;
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  );
  return { base, seen };
}
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

const token = (req: IncomingMessage) => /^Negotiate (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? null;

/** IIS with Kerberos: the AP-REQ is accepted with a 200 carrying `final` (the AP-REP), or none. */
function kerberosIis(final: string | null) {
  return iis((req, res) => {
    if (token(req) !== KERBEROS_AP_REQ) {
      res.writeHead(401, { 'WWW-Authenticate': ['Negotiate', 'NTLM'] });
      return res.end();
    }
    res.writeHead(200, { 'Content-Type': 'application/json', ...(final === null ? {} : { 'WWW-Authenticate': `Negotiate ${final}` }) });
    res.end('[]');
  });
}

const KERBEROS_LEGS = [
  { given: '', answer: KERBEROS_AP_REQ },
  { given: SERVER_MUTUAL, answer: '', completes: true },
  { given: FORGED_MUTUAL, throws: 'InitializeSecurityContext: The message or signature supplied for verification has been altered (SEC_E_MESSAGE_ALTERED)' },
];

function list(base: string, k: ReturnType<typeof binding>) {
  const transport = createNegotiateTransport({ loadKerberos: k.load });
  return createCmClient({ baseUrl: base, transport, getRetries: 0, timeoutMs: 5_000 }).listProfileTemplates();
}

describe('Negotiate: the options kerberos documents', () => {
  it('initializeClient gets mechOID (SPNEGO) and flags (mutual + sequence), the names its README and index.d.ts give', async () => {
    const { base } = await kerberosIis(SERVER_MUTUAL);
    const { client } = stubClient('sspi', KERBEROS_LEGS);
    const k = binding(client);
    await list(base, k);
    expect(k.options).toEqual([{ service: expect.stringMatching(/^HTTP[/@]127\.0\.0\.1$/), mechOID: 6, flags: 2 | 8 }]);
  });
});

describe.each(['sspi', 'gssapi'] as const)('Negotiate with Kerberos: mutual authentication (%s client)', (behaviour) => {
  it("feeds the server's final token to the context and trusts the answer once it completes", async () => {
    const { base, seen } = await kerberosIis(SERVER_MUTUAL);
    const { client, fed } = stubClient(behaviour, KERBEROS_LEGS);
    expect(await list(base, binding(client))).toEqual([]);
    expect(fed).toEqual(['', SERVER_MUTUAL]);
    expect(seen.map((s) => s.authorization)).toEqual([null, `Negotiate ${KERBEROS_AP_REQ}`]);
  });

  it('a 200 without the final token is not trusted: CM_AUTH_FAILED, mutual-auth-failed, with the reason', async () => {
    const { base } = await kerberosIis(null);
    const { client, fed } = stubClient(behaviour, KERBEROS_LEGS);
    const err = await stationError(list(base, binding(client)));
    expect(err.code).toBe('CM_AUTH_FAILED');
    expect(err.details).toMatchObject({ reason: 'mutual-auth-failed' });
    expect(fed).toEqual(['']);
  });

  it("a final token the context refuses (forged: not from CM's key) is CM_AUTH_FAILED too", async () => {
    const { base } = await kerberosIis(FORGED_MUTUAL);
    const { client, fed } = stubClient(behaviour, KERBEROS_LEGS);
    const err = await stationError(list(base, binding(client)));
    expect(err.code).toBe('CM_AUTH_FAILED');
    expect(err.details).toMatchObject({ reason: 'mutual-auth-failed' });
    expect(fed).toEqual(['', FORGED_MUTUAL]);
  });
});

describe('Negotiate falling back to NTLM (SSPI, no Kerberos ticket): three legs on one connection', () => {
  const TYPE2 = ntlm(2, 'challenge');
  const TYPE3 = ntlm(3, 'CONTOSO\\dana');
  const NTLM_LEGS = [
    { given: '', answer: ntlm(1) },
    // SSPI returns SEC_E_OK with the third message: NTLM has no server proof to wait for.
    { given: TYPE2, answer: TYPE3, completes: true },
  ];

  /** IIS's NTLM: type 1 gets a 401 with the challenge on the same connection; type 3 on that connection gets the answer. */
  function ntlmIis(options: { closeAfterChallenge?: boolean } = {}) {
    let challenged: number | null = null;
    return iis((req, res, socket) => {
      const sent = token(req);
      const type = sent === null ? null : ntlmType(sent);
      if (type === 1) {
        challenged = socket;
        res.writeHead(401, { 'WWW-Authenticate': `Negotiate ${TYPE2}`, ...(options.closeAfterChallenge ? { Connection: 'close' } : {}) });
        return res.end();
      }
      if (type === 3 && socket === challenged) {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        return res.end('[]');
      }
      res.writeHead(401, { 'WWW-Authenticate': ['Negotiate', 'NTLM'] });
      res.end();
    });
  }

  it("answers the server's challenge with the second token on the same keep-alive connection, and is signed in", async () => {
    const { base, seen } = await ntlmIis();
    const { client, fed } = stubClient('sspi', NTLM_LEGS);
    expect(await list(base, binding(client))).toEqual([]);
    expect(fed).toEqual(['', TYPE2]);
    expect(seen.map((s) => (s.authorization === null ? null : ntlmType(s.authorization.slice('Negotiate '.length))))).toEqual([null, 1, 3]);
    // The NTLM legs (type 1, then type 3) on one socket: the one the challenge was given on.
    expect(seen[1]!.socket).toBe(seen[2]!.socket);
  });

  it('a server that refuses the third message is a refusal (401), not a loop', async () => {
    const { base, seen } = await iis((req, res) => {
      const sent = token(req);
      res.writeHead(401, { 'WWW-Authenticate': sent !== null && ntlmType(sent) === 1 ? `Negotiate ${TYPE2}` : 'Negotiate' });
      res.end();
    });
    const { client } = stubClient('sspi', NTLM_LEGS);
    const err = await stationError(list(base, binding(client)));
    expect(err.code).toBe('CM_AUTH_FAILED');
    expect(seen).toHaveLength(3);
  });
});
