import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { call, dispatch, type Handlers } from '../../../src/main/station/dispatch';
import { logUnexpectedFailures } from '../../../src/main/station/handler-failures';
import { StationError } from '../../../src/shared/errors';
import { createConfSettingsStore } from '../../../src/main/config';
import { createMemoryLog } from '../../../src/main/log';
import { logConnectionChanges, logServiceTransitions } from '../../../src/main/station/station-events';
import { startStation } from '../../../src/main/runtime';
import { nextEvent } from '../../support/station-events';
import { startTestStation } from '../../support/test-station';

const dirs: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function readLog(logDir: string): Record<string, unknown>[] {
  return readdirSync(logDir)
    .filter((name) => name.endsWith('.log'))
    .flatMap((name) => readFileSync(join(logDir, name), 'utf8').split('\n').filter(Boolean))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('the diagnostic log of a station run', () => {
  it('holds start, CM call outcomes by route template, outbox transitions and stop; never a whole card id', async () => {
    const dataDir = tempDir('station-log-');
    // startStation opens the diagnostic log in the data folder's logs/ and closes it with the station.
    const logDir = join(dataDir, 'logs');
    const runtime = await startStation({
      program: 'station-log test',
      version: '9.8.7',
      actor: 'operator',
      dataDir,
      defaultExportDir: join(dataDir, 'exports'),
      policy: { from: 'given', policy: { status: 'none', source: null, channel: null } },
      settingsStore: createConfSettingsStore({ dataDir }),
      cmTransport: () => Promise.reject(new Error('training never uses the real transport')),
      realPcsc: () => {
        throw new Error('training never loads the real PC/SC binding');
      },
    });
    const h = runtime.station.handlers;
    const reader = (await call(h, 'training.info', {})).readers[0]!;
    const read = nextEvent(runtime.station, 'enrollment.changed', (s) => s.reader === reader && s.step === 'card-read' && s.card.cm.state !== 'asking');
    await call(h, 'training.insertCard', { reader, sampleId: 'piv-1' });
    const card = await read;
    if (card.step !== 'card-read') throw new Error(card.step);
    const cardId = card.card.identifier.value ?? '';
    const { requests } = await call(h, 'requests.search', { query: '' });
    const enroll = requests.find((r) => r.oldSmartcardUuid === null)!;
    await call(h, 'enrollment.choose', { reader, requestId: enroll.uuid });
    const done = nextEvent(runtime.station, 'enrollment.changed', (s) => s.step === 'done' && s.bind.state === 'done');
    await call(h, 'enrollment.bind', { reader });
    await done;
    await runtime.close();

    const entries = readLog(logDir);
    expect(entries[0]).toMatchObject({
      level: 'info',
      event: 'station.start',
      version: '9.8.7',
      mode: 'training',
      node: process.versions.node,
      policyChannel: null,
    });
    expect(entries.at(-1)).toMatchObject({ event: 'station.stop', mode: 'training' });
    const calls = entries.filter((e) => e.event === 'cm.call');
    expect(calls).toContainEqual(expect.objectContaining({ method: 'POST', route: 'POST /smartcards', status: 201, errorCode: null }));
    expect(calls).toContainEqual(expect.objectContaining({ method: 'GET', route: 'GET /smartcards?cardid=' }));
    for (const c of calls) expect(c.latencyMs).toEqual(expect.any(Number));
    const bindOps = entries.filter((e) => e.event === 'outbox.transition' && e.kind === 'bind');
    expect(bindOps.map((e) => `${String(e.from)}>${String(e.to)}`)).toEqual(['null>pending', 'pending>sending', 'sending>done']);
    expect(bindOps.at(-1)).toMatchObject({ attempts: 1, errorCode: null });
    // The card id never appears whole (URLs are templates; ids are cut to their last 4 hex digits).
    const text = readdirSync(logDir)
      .map((name) => readFileSync(join(logDir, name), 'utf8'))
      .join('');
    expect(cardId.length).toBeGreaterThan(8);
    expect(text.toLowerCase()).not.toContain(
      cardId
        .toLowerCase()
        .replace(/[^0-9a-f]/g, '')
        .slice(0, 12),
    );
    expect(text).not.toContain(enroll.targetUserDisplayName ?? 'no display name');
  }, 30_000);

  it('reports a torn journal tail it cut at start-up', async () => {
    const dataDir = tempDir('station-torn-');
    mkdirSync(join(dataDir, 'outbox'), { recursive: true });
    // Three bytes: less than a frame header, what a crash mid-append leaves.
    writeFileSync(join(dataDir, 'outbox', 'outbox.journal'), Buffer.from([0x01, 0x02, 0x03]));
    const log = createMemoryLog();
    const t = await startTestStation({ dataDir, log });
    await t.close();
    expect(log.entries).toContainEqual(expect.objectContaining({ level: 'warn', event: 'journal.repaired', journal: 'outbox', offset: 0, droppedBytes: 3 }));
    expect(log.entries.filter((e) => e.event === 'journal.repaired')).toHaveLength(1);
  });

  it('logs the PC/SC service going down and coming back, once per change', () => {
    const log = createMemoryLog();
    const seen = logServiceTransitions(log);
    for (const service of ['starting', 'up', 'up', 'down', 'down', 'up', 'down', 'up'] as const) seen({ service, readers: [] });
    expect(log.entries.map((e) => `${String(e.level)} ${String(e.from)}>${String(e.to)}`)).toEqual([
      'info null>starting',
      'info starting>up',
      'warn up>down',
      'info down>recovered',
      'warn up>down',
      'info down>recovered',
    ]);
  });

  it('logs a handler that fails with anything but a StationError (a bug), with its channel; the caller still gets the error', async () => {
    const log = createMemoryLog();
    const handlers = logUnexpectedFailures(
      {
        'settings.get': () => Promise.reject(new TypeError('x is undefined')),
        'outbox.list': () => Promise.reject(new StationError('CM_OFFLINE', 'offline')),
      } as unknown as Handlers,
      log,
    );
    await expect(dispatch(handlers, 'settings.get', {})).resolves.toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    await expect(dispatch(handlers, 'outbox.list', {})).resolves.toMatchObject({ ok: false, error: { code: 'CM_OFFLINE' } });
    expect(log.entries).toEqual([{ level: 'error', event: 'handler.failed', channel: 'settings.get', errorCode: 'TypeError', errorMessage: 'x is undefined' }]);
  });

  it('logs CM going offline (with the reason) and back online, once per change', () => {
    const log = createMemoryLog();
    const seen = logConnectionChanges(log);
    seen({ mode: 'online', since: 't1' });
    seen({ mode: 'online', since: 't1' });
    seen({ mode: 'offline', since: 't2', reason: 'CM_OFFLINE' });
    seen({ mode: 'offline', since: 't3', reason: 'CM_TIMEOUT' });
    seen({ mode: 'online', since: 't4' });
    expect(log.entries).toEqual([
      { level: 'info', event: 'cm.connection', from: null, to: 'online' },
      { level: 'warn', event: 'cm.connection', from: 'online', to: 'offline', reason: 'CM_OFFLINE' },
      { level: 'info', event: 'cm.connection', from: 'offline', to: 'online' },
    ]);
  });
});
