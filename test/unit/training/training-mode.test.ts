import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../../../src/main/station/dispatch';
import { createConfSettingsStore, parseJsonPolicy } from '../../../src/main/config';
import { createNoOsLog } from '../../../src/main/os-log';
import { startStation, type StationRuntime } from '../../../src/main/runtime';
import { chooseMode } from '../../../src/main/runtime/training-mode';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings';
import { nextEvent } from '../../support/station-events';
import { removeDir, testTempDir } from '../../support/temp-dir';

/** A stand-in for the organisation's real CM: it must never hear from a training station. */
let realCm: Server;
let realCmHits = 0;
let dataDir: string;
let runtime: StationRuntime;

beforeAll(async () => {
  realCm = createServer((_req, res) => {
    realCmHits++;
    res.writeHead(500).end();
  });
  await new Promise<void>((resolve) => realCm.listen(0, '127.0.0.1', resolve));
  const realUrl = `http://127.0.0.1:${(realCm.address() as AddressInfo).port}/CertificateManagement/api/v1.0/`;
  dataDir = mkdtempSync(join(tmpdir(), 'training-'));
  runtime = await startStation({
    program: 'training test',
    version: '0',
    actor: 'trainee',
    dataDir,
    defaultExportDir: join(dataDir, 'exports'),
    policy: { from: 'given', policy: { status: 'none', source: null, channel: null } },
    settingsStore: createConfSettingsStore({ dataDir }),
    // What the real transport would reach; training must not use it.
    cmTransport: (url, init) => fetch(url.replace(/^https?:\/\/[^/]+\//, realUrl.replace(/CertificateManagement.*$/, '')), init),
    realPcsc: () => {
      throw new Error('training must not load the real PC/SC binding');
    },
  });
});
afterAll(async () => {
  await runtime.close();
  await new Promise((resolve) => realCm.close(resolve));
  removeDir(dataDir);
});

describe('training mode', () => {
  it('is what a fresh install opens (no CM URL), unless policy forbids it', () => {
    expect(chooseMode(DEFAULT_SETTINGS)).toBe('training');
    expect(chooseMode({ ...DEFAULT_SETTINGS, cmBaseUrl: 'https://cm.contoso.com/' })).toBe('real');
    expect(chooseMode({ ...DEFAULT_SETTINGS, cmBaseUrl: 'https://cm.contoso.com/', trainingMode: true })).toBe('training');
    expect(chooseMode({ ...DEFAULT_SETTINGS, trainingModeAllowed: false })).toBe('real');
    const policy = parseJsonPolicy(Buffer.from(JSON.stringify({ trainingModeAllowed: false })), 'p', 'linux-etc');
    expect(policy.status).toBe('ok');
  });

  it('labels itself, offers simulated readers and sample cards, and enrolls against the simulator only', async () => {
    expect(runtime.mode).toBe('training');
    const h = runtime.station.handlers;
    const snapshot = await call(h, 'station.snapshot', {});
    expect(snapshot.training).toBe(true);
    const info = await call(h, 'training.info', {});
    expect(info.readers).toEqual(['Training Reader 1', 'Training Reader 2']);
    expect(info.samples.length).toBeGreaterThanOrEqual(3);

    const reader = info.readers[0]!;
    const read = nextEvent(runtime.station, 'enrollment.changed', (s) => s.reader === reader && s.step === 'card-read' && s.card.cm.state !== 'asking');
    await call(h, 'training.insertCard', { reader, sampleId: 'piv-1' });
    await read;
    const { requests } = await call(h, 'requests.search', { query: '' });
    const enroll = requests.find((r) => r.oldSmartcardUuid === null)!;
    expect(enroll.targetUserDisplayName).toBeTruthy(); // the simulator's directory names users
    await call(h, 'enrollment.choose', { reader, requestId: enroll.uuid });
    const done = nextEvent(runtime.station, 'enrollment.changed', (s) => s.step === 'done' && s.bind.state === 'done');
    await call(h, 'enrollment.bind', { reader });
    await done;
    expect(realCmHits).toBe(0);
  });

  it('keeps its records apart from the real ones', () => {
    expect(existsSync(join(dataDir, 'training', 'outbox'))).toBe(true);
    expect(existsSync(join(dataDir, 'training', 'audit'))).toBe(true);
    expect(readdirSync(dataDir).filter((f) => f === 'outbox' || f === 'audit')).toEqual([]);
  });

  it('refuses training controls outside training mode', async () => {
    const dir = testTempDir('real-');
    const real = await startStation({
      program: 'real-mode test',
      version: '0',
      actor: 'op',
      dataDir: dir,
      defaultExportDir: dir,
      policy: { from: 'given', policy: { status: 'none', source: null, channel: null } },
      settingsStore: createConfSettingsStore({ dataDir: dir }),
      cmTransport: fetch,
      realPcsc: () => ({
        binding: {
          establish: () => {
            throw new Error('no pcsc here');
          },
        },
        probe: { mechanism: { kind: 'pcscd-socket', path: '/nowhere' }, isUp: async () => false, watch: () => () => undefined },
      }),
      mode: 'real',
      osLog: createNoOsLog('test'),
    });
    await expect(call(real.station.handlers, 'training.insertCard', { reader: 'x', sampleId: 'piv-1' })).rejects.toMatchObject({
      code: 'TRAINING_FORBIDDEN',
    });
    await real.close();
  });
});

describe('a CM URL chosen by the runtime (training simulator, --cm-url)', () => {
  it('shows as managed in every settings view: snapshot, update reply and change event', async () => {
    const h = runtime.station.handlers;
    expect((await call(h, 'settings.get', {})).managed.cmBaseUrl).toBe(true);
    const changed = nextEvent(runtime.station, 'settings.changed', () => true);
    const reply = await call(h, 'settings.update', { locale: 'fr' });
    expect(reply.managed.cmBaseUrl).toBe(true);
    expect((await changed).managed.cmBaseUrl).toBe(true);
  });
});

describe('settings changed in training', () => {
  it('stay in training: the real settings never see them, except leaving training itself', async () => {
    const h = runtime.station.handlers;
    await call(h, 'settings.update', { readerExclude: ['*Practice*'], locale: 'fr' });
    const realFile = join(dataDir, 'settings.json');
    // The settings files hold { "values": … } (conf/electron-store format).
    const saved = (file: string) => (existsSync(file) ? ((JSON.parse(readFileSync(file, 'utf8')) as { values?: Record<string, unknown> }).values ?? {}) : {});
    const trainingFile = join(dataDir, 'training', 'settings.json');
    expect(saved(realFile)['readerExclude']).toBeUndefined();
    expect(saved(realFile)['locale']).toBeUndefined();
    expect(saved(trainingFile)).toMatchObject({ readerExclude: ['*Practice*'], locale: 'fr' });

    // Leaving training is the one thing that must reach the real store (it decides the next start).
    await call(h, 'settings.update', { trainingMode: true });
    expect(saved(realFile)).toEqual({ trainingMode: true });
    await call(h, 'settings.update', { trainingMode: false });
    expect(saved(realFile)).toEqual({ trainingMode: false });
    expect(saved(trainingFile)).not.toHaveProperty('trainingMode');
  });

  it('a machine-only key cannot be set from training either', async () => {
    await expect(call(runtime.station.handlers, 'settings.update', { cmBaseUrl: 'https://evil.example/' })).rejects.toMatchObject({
      code: 'SETTING_MACHINE_ONLY',
    });
  });
});

describe('a machine policy change reported by the OS', () => {
  it('reaches the settings view of the station that runs (restart to apply)', async () => {
    const changed = nextEvent(runtime.station, 'settings.changed', (view) => view.policy.changedSinceStart);
    runtime.policyChanged();
    expect((await changed).policy.changedSinceStart).toBe(true);
    expect((await call(runtime.station.handlers, 'settings.get', {})).policy.changedSinceStart).toBe(true);
  });
});
