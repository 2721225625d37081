import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startHost, type RunningHost } from '../../../src/main/host/server';
import { startTestStation, type TestStation } from '../../support/test-station';

let test: TestStation;
let host: RunningHost;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'renderer-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>station</title>');
  test = await startTestStation();
  host = await startHost({ station: test.station, rendererDir: dir });
});
afterAll(async () => {
  await host.close();
  await test.close();
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
