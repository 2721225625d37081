import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startHost, type RunningHost } from '../../../src/main/host/server';
import { removeDir, testTempDir } from '../../support/temp-dir';
import { startTestStation, type TestStation } from '../../support/test-station';

let test: TestStation;
let host: RunningHost;
let rendererDir: string;

beforeAll(async () => {
  rendererDir = mkdtempSync(join(tmpdir(), 'renderer-'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>station</title>');
  test = await startTestStation();
  host = await startHost({ station: test.station, rendererDir });
});
afterAll(async () => {
  await host.close();
  await test.close();
  removeDir(rendererDir);
});

function wsUrl(token: string | null) {
  return `${host.origin.replace('http', 'ws')}/ws${token === null ? '' : `?token=${encodeURIComponent(token)}`}`;
}

/** Resolves with the HTTP status the upgrade was refused with, or 101 when it was accepted. */
function upgradeStatus(url: string, origin: string | undefined): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, origin ? { origin } : {});
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => undefined);
  });
}

function openClient(): Promise<WebSocket> {
  const ws = new WebSocket(wsUrl(host.token), { origin: host.origin });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function nextMessage(ws: WebSocket, accept: (m: Record<string, unknown>) => boolean = (m) => m.type === 'reply'): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const message = JSON.parse(data.toString()) as Record<string, unknown>;
      if (!accept(message)) return;
      ws.off('message', onMessage);
      resolve(message);
    };
    ws.on('message', onMessage);
  });
}

describe('station host', () => {
  it('binds loopback and prints a URL with the token in the fragment only', () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=/);
    expect(host.url.split('#')[0]).not.toContain(host.token);
  });

  it('serves the renderer with a strict CSP and refuses other methods and escapes', async () => {
    const ok = await fetch(`${host.origin}/`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect((await fetch(`${host.origin}/..%2f..%2fetc/passwd`)).status).toBe(404);
    expect((await fetch(`${host.origin}/`, { method: 'POST' })).status).toBe(405);
  });

  it('refuses a WebSocket without the token, with a wrong token, or from another origin', async () => {
    expect(await upgradeStatus(wsUrl(null), host.origin)).toBe(401);
    expect(await upgradeStatus(wsUrl('wrong'), host.origin)).toBe(401);
    expect(await upgradeStatus(wsUrl(host.token), 'http://evil.example')).toBe(403);
    expect(await upgradeStatus(wsUrl(host.token), undefined)).toBe(403);
    expect(await upgradeStatus(wsUrl(host.token), host.origin)).toBe(101);
  });

  it('carries invokes and events, and turns bad input into typed errors', async () => {
    const ws = await openClient();
    ws.send(JSON.stringify({ id: 1, channel: 'readers.list', payload: {} }));
    expect(await nextMessage(ws)).toMatchObject({ type: 'reply', id: 1, envelope: { ok: true } });

    ws.send(JSON.stringify({ id: 2, channel: 'no.such', payload: {} }));
    expect(await nextMessage(ws)).toMatchObject({ id: 2, envelope: { ok: false, error: { code: 'UNKNOWN_CHANNEL' } } });

    ws.send(JSON.stringify({ id: 3, channel: 'readers.list', payload: 'x' }));
    expect(await nextMessage(ws)).toMatchObject({ id: 3, envelope: { ok: false, error: { code: 'BAD_REQUEST' } } });

    const event = nextMessage(ws, (m) => m.type === 'event' && m.event === 'readers.changed' && JSON.stringify(m).includes('3b0102'));
    test.readers.insert('Reader A', { atr: '3b0102', respond: () => new Uint8Array([0x6a, 0x82]) });
    expect(await event).toMatchObject({ type: 'event', payload: { service: 'up' } });

    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send('{not json');
    expect(await closed).toBe(1008);
  });
});

/** A raw HTTP request with any Host header (fetch will not let us set one). */
function statusWithHost(hostHeader: string, path = '/', upgrade = false): Promise<number> {
  const port = Number(new URL(host.origin).port);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Host: hostHeader };
    if (upgrade)
      Object.assign(headers, {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        Origin: host.origin,
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
      });
    const req = request({ host: '127.0.0.1', port, path, headers });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve(res.statusCode ?? 101);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('host hardening', () => {
  it('serves only requests addressed to 127.0.0.1:<port> (DNS rebinding)', async () => {
    const port = new URL(host.origin).port;
    expect(await statusWithHost(`127.0.0.1:${port}`)).toBe(200);
    expect(await statusWithHost(`evil.example:${port}`)).toBe(421);
    expect(await statusWithHost(`localhost:${port}`)).toBe(421);
    expect(await statusWithHost('127.0.0.1')).toBe(421);
    expect(await statusWithHost(`evil.example:${port}`, `/ws?token=${host.token}`, true)).toBe(421);
    expect(await statusWithHost(`127.0.0.1:${port}`, `/ws?token=${host.token}`, true)).toBe(101);
  });

  it('a WebSocket client cannot set a machine-only key, nor retire a card (no such channel)', async () => {
    const ws = await openClient();
    const before = await new Promise<Record<string, unknown>>((resolve) => {
      void nextMessage(ws).then(resolve);
      ws.send(JSON.stringify({ id: 10, channel: 'settings.get', payload: {} }));
    });
    for (const [id, payload] of [
      [11, { cmBaseUrl: 'https://attacker.example/' }],
      [12, { allowedAuthDomains: ['*.attacker.example'] }],
      [13, { auditExportFolder: '\\\\attacker.example\\loot' }],
      [14, { trainingModeAllowed: true }],
      [15, { locale: 'fr', cmBaseUrl: 'https://attacker.example/' }],
    ] as const) {
      ws.send(JSON.stringify({ id, channel: 'settings.update', payload }));
      expect(await nextMessage(ws)).toMatchObject({ id, envelope: { ok: false, error: { code: 'SETTING_MACHINE_ONLY' } } });
    }
    ws.send(JSON.stringify({ id: 16, channel: 'settings.get', payload: {} }));
    expect(((await nextMessage(ws)).envelope as { value: unknown }).value).toEqual((before.envelope as { value: unknown }).value);

    ws.send(
      JSON.stringify({
        id: 17,
        channel: 'enrollment.retire',
        payload: { requestId: '7d4c5a3e-0000-4000-8000-000000000001', smartcardUuid: '7d4c5a3e-0000-4000-8000-000000000002' },
      }),
    );
    expect(await nextMessage(ws)).toMatchObject({ id: 17, envelope: { ok: false, error: { code: 'UNKNOWN_CHANNEL' } } });
    expect(await test.station.handlers['outbox.list']({})).toEqual([]);
    ws.close();
  });

  it('caps WebSockets and requests in flight on one socket', async () => {
    const dir = testTempDir('renderer-');
    writeFileSync(join(dir, 'index.html'), '<!doctype html>');
    const small = await startHost({ station: test.station, rendererDir: dir, limits: { sockets: 1, inFlight: 2 } });
    try {
      const url = `${small.origin.replace('http', 'ws')}/ws?token=${small.token}`;
      const first = new WebSocket(url, { origin: small.origin });
      await new Promise((resolve, reject) => first.once('open', resolve).once('error', reject));
      expect(await upgradeStatus(url, small.origin)).toBe(503);

      const replies: Array<Record<string, unknown>> = [];
      const all = new Promise<void>((resolve) => {
        first.on('message', (data) => {
          const m = JSON.parse(data.toString()) as Record<string, unknown>;
          if (m.type === 'reply') replies.push(m);
          if (replies.length === 6) resolve();
        });
      });
      // CM look-ups over real HTTP: none can finish before all six have arrived.
      for (let id = 1; id <= 6; id++) first.send(JSON.stringify({ id, channel: 'requests.search', payload: { query: '' } }));
      await all;
      const busy = replies.filter((r) => (r.envelope as { error?: { code: string } }).error?.code === 'HOST_BUSY');
      expect(busy.map((r) => r.id).sort()).toEqual([3, 4, 5, 6]);
      first.close();
    } finally {
      await small.close();
    }
  });
});
