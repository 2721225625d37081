// Windows sign-in (Negotiate) end to end on a real Kerberos realm: MIT krb5kdc, a user's ticket from
// kinit, HTTP/<host> keytabs, and a GSSAPI-checking server in front of the CM simulator. The station
// CLI runs as IT would run it, in its own process, with the user's ticket cache or without one.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createNegotiateTransport } from '../../src/main/cm/negotiate-transport';
import { createPcscliteBinding } from '../../src/main/pcsc';
import { startCmSimulator, type CmSimulator } from '../../src/main/training/cm-sim';
import { startKdc, REALM, USER, type Kdc } from '../support/kdc';
import { startCollector, startNegotiateProxy, type NegotiateProxy } from '../support/negotiate-proxy';
import { VPCD_READERS } from '../support/pcsc-stack';
import { insertCard, type VirtualCard } from '../support/vcard';
import { PIV_CARD } from '../support/vcard/catalog';
import { testTempDir } from '../support/temp-dir';

const CM_PATH = '/CertificateManagement/api/v1.0/';
const EMPTY_GUID = '00000000-0000-0000-0000-000000000000';

let kdc: Kdc;
let sim: CmSimulator;
let proxy: NegotiateProxy;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  // HTTP/localhost is CM's SPN; HTTP/cm-other exists in the realm but belongs to another server.
  kdc = await startKdc({ services: ['localhost', 'cm-other'] });
  closers.push(() => kdc.close());
  sim = await startCmSimulator({ host: '127.0.0.1', port: 0 });
  closers.push(() => sim.close());
  proxy = await startNegotiateProxy({
    target: new URL(sim.baseUrl).origin,
    acceptor: 'HTTP@localhost',
    keytab: kdc.keytab('localhost'),
    krb5Config: kdc.env.KRB5_CONFIG!,
    replayCacheDir: kdc.env.KRB5RCACHEDIR!,
  });
  closers.push(() => proxy.close());
}, 60_000);

afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

beforeEach(async () => {
  await sim.admin.reset();
  proxy.records.length = 0;
});

interface CliResult {
  code: number | null;
  json: { exitCode: number; message: string; result: Record<string, unknown> };
  stderr: string;
}

/** `npm run station -- ...` in its own process, signed in with `ticketCache` (a KRB5CCNAME). */
function station(args: string[], dataDir: string, ticketCache: string): Promise<CliResult> {
  const argv = ['--import', 'tsx', 'src/main/cli/station.ts', ...args, '--json', '--data-dir', dataDir, '--policy', join(dataDir, 'no-policy.json')];
  const env = { ...process.env, KRB5_CONFIG: kdc.env.KRB5_CONFIG, KRB5CCNAME: ticketCache, KRB5_KTNAME: '' };
  return new Promise((resolve, reject) => {
    execFile(process.execPath, argv, { encoding: 'utf8', timeout: 60_000, env }, (err, stdout, stderr) => {
      const code = err ? ((err as { code?: number }).code ?? null) : 0;
      try {
        resolve({ code, json: JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as CliResult['json'], stderr });
      } catch {
        reject(new Error(`the CLI printed no JSON (exit ${code}, ${err?.message ?? ''}):\n${stdout}\n${stderr}`));
      }
    });
  });
}

/**
 * Waits until pcscd has seen the reader empty (it polls vpcd about every 400 ms), so the next test
 * file starts from empty readers as it expects.
 */
function readerSeenEmpty(reader: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      context.close();
      reject(new Error(`pcscd still reports a card in ${reader}`));
    }, 5_000);
    const context = createPcscliteBinding().establish({
      readers: () => undefined,
      status: (name, status) => {
        if (name !== reader || status.present) return;
        clearTimeout(timer);
        // Outside the addon's callback: closing a context from inside it is one of the addon's traps.
        setImmediate(() => context.close());
        resolve();
      },
      lost: () => undefined,
    });
    context.watch(reader);
  });
}

const fresh = () => testTempDir('negotiate-');
const cmUrl = (host: string, p: NegotiateProxy = proxy) => `${p.origin(host)}${CM_PATH}`;

function replacement() {
  const request = sim.admin.state().requests.find((r) => r.OldSmartcardUuid !== EMPTY_GUID && r.Status === 3);
  if (!request) throw new Error('the simulator seed has no approved replacement request');
  return { request: request.Uuid, smartcard: request.OldSmartcardUuid };
}
const simPuts = () => sim.admin.received().filter((r) => r.method === 'PUT');
/** The outbox keeps an error's code and message (what the operator and a script see). */
const errorOf = (op: Record<string, unknown>) => op.lastError as { code: string; message: string };

describe('Negotiate transport in this process (real KDC)', () => {
  it('reports the scheme that worked (what cm-check shows): Negotiate with a ticket, none without one', async () => {
    const reports: Array<{ scheme: string; reason: string | null }> = [];
    const transport = createNegotiateTransport({ onAuth: (_url, r) => reports.push({ scheme: r.scheme, reason: r.failure?.reason ?? null }) });
    const call = () =>
      transport(`${cmUrl('localhost')}profiletemplates`, { method: 'GET', headers: { Accept: 'application/json' }, signal: AbortSignal.timeout(10_000) });
    const saved = process.env.KRB5CCNAME;
    try {
      process.env.KRB5CCNAME = kdc.ticketCache;
      const signedIn = await call();
      expect(signedIn.status).toBe(200);
      expect(JSON.parse(await signedIn.text())).toEqual(expect.any(Array));
      process.env.KRB5CCNAME = kdc.emptyCache;
      const anonymous = await call();
      expect(anonymous.status).toBe(401);
    } finally {
      if (saved === undefined) delete process.env.KRB5CCNAME;
      else process.env.KRB5CCNAME = saved;
    }
    expect(reports).toEqual([
      { scheme: 'Negotiate', reason: null },
      { scheme: 'none', reason: 'no-credentials' },
    ]);
  });
});

describe('CLI with Negotiate sign-in (real KDC)', { timeout: 90_000 }, () => {
  let card: VirtualCard | null = null;
  afterAll(async () => {
    if (!card) return;
    await card.remove();
    await readerSeenEmpty(VPCD_READERS[0].name);
  });

  it("binds a card through the Negotiate-protected CM with the user's ticket, mutually authenticated", async () => {
    const request = sim.admin.state().requests.find((r) => r.Status === 3 && r.OldSmartcardUuid === EMPTY_GUID);
    if (!request) throw new Error('the simulator seed has no approved enrolment');
    card = await insertCard({ reader: 0, ...PIV_CARD });
    const result = await station(
      ['bind', '--reader', VPCD_READERS[0].name, '--request', request.Uuid, '--cm-url', cmUrl('localhost')],
      fresh(),
      kdc.ticketCache,
    );
    expect(result.code, `${result.json.message}\n${result.stderr}`).toBe(0);
    expect(result.json.result).toMatchObject({ step: 'done', bind: { state: 'done' } });
    // Every call was first challenged, then carried a ticket the server's keytab accepted.
    const accepted = proxy.records.filter((r) => r.outcome === 'accepted');
    expect(accepted.length).toBeGreaterThan(0);
    expect(new Set(accepted.map((r) => r.user))).toEqual(new Set([`${USER}@${REALM}`]));
    expect(proxy.records.filter((r) => r.outcome === 'rejected')).toEqual([]);
    const posts = sim.admin.received().filter((r) => r.method === 'POST' && /\/smartcards\/?(?:\?|$)/i.test(r.path));
    expect(posts).toHaveLength(1);
    expect(posts[0]!.body.toLowerCase()).toContain(request.Uuid.toLowerCase());
  });

  it('a bind without a ticket fails clearly: nothing reaches CM, and the message says to get a ticket', async () => {
    const request = sim.admin
      .state()
      .requests.filter((r) => r.Status === 3 && r.OldSmartcardUuid === EMPTY_GUID)
      .at(-1);
    if (!request) throw new Error('the simulator seed has no approved enrolment');
    card ??= await insertCard({ reader: 0, ...PIV_CARD });
    const result = await station(
      ['bind', '--reader', VPCD_READERS[0].name, '--request', request.Uuid, '--cm-url', cmUrl('localhost')],
      fresh(),
      kdc.emptyCache,
    );
    // The request is looked up in CM before the bind is queued: that lookup is refused (exit 3).
    expect(result.code, result.json.message).toBe(3);
    expect(result.json.result).toMatchObject({ error: { code: 'CM_AUTH_FAILED' } });
    expect(result.json.message).toMatch(/no Windows sign-in \(no Kerberos ticket\).*`kinit`.*`klist`/);
    expect(sim.admin.received().filter((r) => r.method === 'POST')).toEqual([]);
    expect(proxy.records.every((r) => r.outcome === 'challenged')).toBe(true);
  });

  it('without a ticket: CM_AUTH_FAILED saying so (klist), the retire stays pending, and replays once signed in', async () => {
    const { request, smartcard } = replacement();
    const dir = fresh();
    const noTicket = await station(['retire', '--request', request, '--smartcard', smartcard, '--cm-url', cmUrl('localhost')], dir, kdc.emptyCache);
    expect(noTicket.code).toBe(4); // queued, not refused: nothing was lost
    const op = noTicket.json.result;
    expect(op).toMatchObject({ kind: 'retire', state: 'pending' });
    expect(errorOf(op).code).toBe('CM_AUTH_FAILED');
    expect(errorOf(op).message).toMatch(/no Windows sign-in \(no Kerberos ticket\).*`kinit`.*`klist`/);
    expect(simPuts()).toEqual([]);
    expect(proxy.records.every((r) => r.outcome === 'challenged')).toBe(true);

    const listed = await station(['outbox', 'list', '--cm-url', cmUrl('localhost')], dir, kdc.emptyCache);
    expect(listed.json.result).toMatchObject([{ kind: 'retire', state: 'pending' }]);

    const replayed = await station(['outbox', 'replay', '--cm-url', cmUrl('localhost')], dir, kdc.ticketCache);
    expect(replayed.code, replayed.json.message).toBe(0);
    expect(replayed.json.result).toMatchObject([{ kind: 'retire', state: 'done' }]);
    expect(simPuts()).toHaveLength(1);
  });

  it('no SPN for the host: CM_AUTH_FAILED naming `setspn -Q HTTP/<host>`', async () => {
    const { request, smartcard } = replacement();
    // The realm has HTTP/localhost but nothing for 127.0.0.1: the KDC cannot issue that ticket.
    const result = await station(['retire', '--request', request, '--smartcard', smartcard, '--cm-url', cmUrl('127.0.0.1')], fresh(), kdc.ticketCache);
    expect(result.code).toBe(4);
    expect(errorOf(result.json.result).code).toBe('CM_AUTH_FAILED');
    expect(errorOf(result.json.result).message).toMatch(/no service principal for the CM host "127\.0\.0\.1".*`setspn -Q HTTP\/127\.0\.0\.1`/);
    expect(simPuts()).toEqual([]);
  });

  it("wrong SPN (the server holds another principal's key): the server refuses the ticket", async () => {
    const wrong = await startNegotiateProxy({
      target: new URL(sim.baseUrl).origin,
      acceptor: 'HTTP@cm-other',
      keytab: kdc.keytab('cm-other'),
      krb5Config: kdc.env.KRB5_CONFIG!,
      replayCacheDir: kdc.env.KRB5RCACHEDIR!,
    });
    try {
      const { request, smartcard } = replacement();
      const result = await station(['retire', '--request', request, '--smartcard', smartcard, '--cm-url', cmUrl('localhost', wrong)], fresh(), kdc.ticketCache);
      expect(result.code).toBe(4);
      expect(errorOf(result.json.result).code).toBe('CM_AUTH_FAILED');
      expect(errorOf(result.json.result).message).toMatch(/CM refused the Kerberos ticket.*`setspn -Q HTTP\/localhost`/);
      expect(wrong.records.some((r) => r.outcome === 'rejected')).toBe(true);
      expect(wrong.records.some((r) => r.outcome === 'accepted')).toBe(false);
      expect(simPuts()).toEqual([]);
    } finally {
      await wrong.close();
    }
  });

  it("an answer without the server's mutual-authentication token is not trusted", async () => {
    const unproven = await startNegotiateProxy({
      target: new URL(sim.baseUrl).origin,
      acceptor: 'HTTP@localhost',
      keytab: kdc.keytab('localhost'),
      krb5Config: kdc.env.KRB5_CONFIG!,
      replayCacheDir: kdc.env.KRB5RCACHEDIR!,
      omitMutualToken: true,
    });
    try {
      const { request, smartcard } = replacement();
      const result = await station(
        ['retire', '--request', request, '--smartcard', smartcard, '--cm-url', cmUrl('localhost', unproven)],
        fresh(),
        kdc.ticketCache,
      );
      expect(result.code).toBe(4);
      // Since issue 17 the card's owner is read (a GET) before any retire PUT: that read already met the
      // unproven server, so nothing that could change CM was sent and the operation is plainly pending.
      expect(result.json.result).toMatchObject({ kind: 'retire', state: 'pending', outcomeUnknown: false });
      expect(errorOf(result.json.result).code).toBe('CM_AUTH_FAILED');
      expect(errorOf(result.json.result).message).toMatch(/did not prove that it is the CM server/);
    } finally {
      await unproven.close();
    }
  });

  it('a redirect to another host is not followed: that host never receives a token (nor anything)', async () => {
    const other = await startCollector('127.0.0.2');
    const redirecting = await startNegotiateProxy({
      target: new URL(sim.baseUrl).origin,
      acceptor: 'HTTP@localhost',
      keytab: kdc.keytab('localhost'),
      krb5Config: kdc.env.KRB5_CONFIG!,
      replayCacheDir: kdc.env.KRB5RCACHEDIR!,
      redirectAfterAuthTo: other.url,
    });
    try {
      const { request, smartcard } = replacement();
      const result = await station(
        ['retire', '--request', request, '--smartcard', smartcard, '--cm-url', cmUrl('localhost', redirecting)],
        fresh(),
        kdc.ticketCache,
      );
      expect(result.json.result).not.toMatchObject({ state: 'done' });
      expect(redirecting.records.some((r) => r.outcome === 'accepted')).toBe(true);
      expect(other.seen).toEqual([]);
      expect(simPuts()).toEqual([]);
    } finally {
      await redirecting.close();
      await other.close();
    }
  });
});
