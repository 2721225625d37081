import type * as NodeFs from 'node:fs';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { encodeFrame } from '../../../src/main/journal/frame';
import { NO_AUTH_SERVER } from '../../../src/main/electron/auth-allowlist';
import { contentSecurityPolicy } from '../../../src/main/shell-policy';
import { envelopeSchema, EVENT_CHANNELS, INVOKE_CHANNELS, IPC_EVENT_PREFIX, IPC_INVOKE_PREFIX } from '../../../src/shared/contract';
// The .mjs extension is required: this is the plain-Node build script's own module (see its .d.mts).
import { shellBuildOptions } from '../../../scripts/build-config.mjs';
import {
  createMainStandIn,
  createPreloadStandIn,
  FakeWebContents,
  type Listener,
  type MainStandIn,
  type PreloadRecord,
  runCommonJs,
  type NetAnswer,
} from './electron-stand-in';

/**
 * Checklist items 1-20 (docs/security.md) asserted on the COMPILED shell and preload: built here
 * with the same esbuild options as scripts/build.mjs, loaded under plain Node with a recording
 * stand-in for 'electron', and driven until main.ts has created its window.
 */

const nodeRequire = createRequire(import.meta.url);
const work = mkdtempSync(join(tmpdir(), 'compiled-shell-'));
const outDir = join(work, 'out');
const appPath = join(work, 'app');
const rendererDir = join(appPath, 'out', 'renderer');
const APP_PAGE = 'app://station/index.html';

let main: MainStandIn;
let preload: PreloadRecord;
let preloadRequires: string[];
let buildWarnings: string[];

/** What the sandboxed preload's `require` can give (Electron's polyfill): nothing from Node's disk. */
const SANDBOXED_PRELOAD_MODULES = new Set(['electron', 'events', 'timers', 'url']);

beforeAll(async () => {
  const [mainOptions, preloadOptions] = shellBuildOptions(outDir);
  buildWarnings = [...(await build(mainOptions)).warnings, ...(await build(preloadOptions)).warnings].map((w) => w.text);

  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>station</title>');
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'export {};');
  // Something an escape from the renderer folder would find.
  writeFileSync(join(appPath, 'out', 'secret.txt'), 'secret');

  main = createMainStandIn({ appPath, userData: join(work, 'userData'), documents: join(work, 'documents') });
  loadMain(main);
  main.ready();
  await vi.waitFor(() => expect(main.record.windows).toHaveLength(1), { timeout: 20_000, interval: 20 });

  const stand = createPreloadStandIn();
  preload = stand.record;
  preloadRequires = [];
  runCommonJs(join(outDir, 'preload', 'preload.cjs'), (id) => {
    // Recorded and answered rather than refused here, so the test below names the problem.
    preloadRequires.push(id);
    return id === 'electron' ? stand.electron : nodeRequire(id);
  });
}, 60_000);

afterAll(async () => {
  // Let main close the station runtime (the training CM simulator and journals) the way it quits.
  main.record.appListeners.emit('before-quit', { preventDefault: () => {} });
  await vi.waitFor(() => expect(main.record.calls).toContain('app.quit'), { timeout: 10_000 });
  rmSync(work, { recursive: true, force: true });
});

/**
 * The machine policy the compiled main finds through the OS channel on this platform (Linux:
 * root-owned /etc/enrollment-station/policy.json), or null for none. The test never writes /etc:
 * the bundle's `node:fs` is this process's, with those two paths answered as a root-owned folder
 * and file would answer.
 */
let machinePolicy: Record<string, unknown> | null = null;
const POLICY_FILE = '/etc/enrollment-station/policy.json';

function fsWithMachinePolicy(): unknown {
  const realFs = nodeRequire('node:fs') as typeof NodeFs;
  const rootOwned = (dir: boolean) => ({
    uid: 0,
    mode: dir ? 0o40755 : 0o100644,
    isFile: () => !dir,
    isDirectory: () => dir,
    isSymbolicLink: () => false,
  });
  return new Proxy(realFs, {
    get(target, prop, receiver) {
      if (machinePolicy !== null && prop === 'lstatSync') {
        return (path: string, ...rest: unknown[]) =>
          path === POLICY_FILE
            ? rootOwned(false)
            : path === dirname(POLICY_FILE)
              ? rootOwned(true)
              : (target.lstatSync as (...a: unknown[]) => unknown)(path, ...rest);
      }
      if (machinePolicy !== null && prop === 'readFileSync') {
        return (path: string, ...rest: unknown[]) =>
          path === POLICY_FILE ? Buffer.from(JSON.stringify(machinePolicy)) : (target.readFileSync as (...a: unknown[]) => unknown)(path, ...rest);
      }
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
}

/**
 * Runs the compiled main.cjs against a stand-in, with `argv` as the process arguments it sees
 * (Electron: the executable, then the app's own arguments).
 */
function loadMain(stand: MainStandIn, argv: string[] = [process.execPath]): void {
  const saved = process.argv;
  process.argv = argv;
  try {
    runCommonJs(join(outDir, 'main', 'main.cjs'), (id) => {
      if (id === 'electron') return stand.electron;
      if (id === 'node:fs' || id === 'fs') return fsWithMachinePolicy();
      if (isBuiltin(id)) return nodeRequire(id);
      throw new Error(`compiled main required ${id}, which is not bundled`);
    });
  } finally {
    process.argv = saved;
  }
}

function theWindow() {
  const win = main.record.windows[0];
  if (!win) throw new Error('main.ts created no window');
  return win;
}
const webPreferences = () => theWindow().options.webPreferences as Record<string, unknown>;

function fire(contents: FakeWebContents, event: string, ...args: unknown[]): boolean {
  const preventDefault = vi.fn();
  const listeners = contents.listenersOf(event);
  expect(listeners.length).toBeGreaterThan(0);
  for (const listener of listeners) listener({ preventDefault }, ...args);
  return preventDefault.mock.calls.length > 0;
}

describe('lifecycle (compiled main.cjs)', () => {
  it('builds without a warning (an empty import.meta once broke loading the PC/SC addon)', () => {
    expect(buildWarnings).toEqual([]);
  });

  it('sandboxes every renderer and registers app:// before the app is ready (4, 18)', () => {
    const { calls } = main.record;
    expect(calls.indexOf('app.enableSandbox')).toBeGreaterThanOrEqual(0);
    expect(calls.indexOf('app.enableSandbox')).toBeLessThan(calls.indexOf('app.ready'));
    expect(calls.indexOf('protocol.registerSchemesAsPrivileged')).toBeLessThan(calls.indexOf('app.ready'));
    expect(main.record.privilegedSchemes).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: false, corsEnabled: false } },
    ]);
  });

  it('loads only the bundled page over app:// (1, 18)', () => {
    expect(theWindow().loaded).toEqual([APP_PAGE]);
  });

  it('runs the station in training mode by default, so the real PC/SC binding is never created', async () => {
    // training.info answers only in training mode (TRAINING_FORBIDDEN otherwise).
    const handler = main.record.ipcHandlers.get(`${IPC_INVOKE_PREFIX}training.info`);
    const contents = theWindow().webContents;
    const answer = await handler?.({ senderFrame: contents.mainFrame, sender: contents }, {});
    expect(answer).toMatchObject({ ok: true, value: { readers: expect.any(Array) } });
    expect(main.record.netFetches).toEqual([]);
    // No CM address and no allow-list: a name that never resolves, never '' (which Chromium reads
    // as "no list": Windows would send credentials to every Intranet-zone host).
    expect(main.record.ntlmDomains).toEqual([NO_AUTH_SERVER]);
  });
});

describe('BrowserWindow webPreferences (compiled main.cjs)', () => {
  it.each([
    ['sandbox', true], // 4
    ['contextIsolation', true], // 3
    ['nodeIntegration', false], // 2
    ['nodeIntegrationInWorker', false],
    ['nodeIntegrationInSubFrames', false],
    ['webSecurity', true], // 6
    ['allowRunningInsecureContent', false], // 8
    ['experimentalFeatures', false], // 9
    ['webviewTag', false], // 11
    ['devTools', false], // packaged
    ['navigateOnDragDrop', false],
  ])('%s is %s', (key, value) => {
    expect(webPreferences()[key]).toBe(value);
  });

  it('enables no Blink features (10) and disables middle-click (auxclick) opening', () => {
    expect(webPreferences()).not.toHaveProperty('enableBlinkFeatures');
    expect(webPreferences().disableBlinkFeatures).toBe('Auxclick');
  });

  it('uses the compiled sandboxed preload next to main', () => {
    expect(webPreferences().preload).toBe(join(outDir, 'preload', 'preload.cjs'));
  });
});

describe('navigation, windows and webviews (compiled main.cjs)', () => {
  const away = [
    'https://evil.example/',
    'app://station.evil.example/index.html', // lookalike host: a prefix check would let it through
    'app://station@evil.example/index.html',
    'app://station:8080/index.html',
    'app://station/other.html',
    'file:///etc/passwd',
    'http://station/index.html',
  ];

  it.each(away)('will-navigate and will-redirect prevent %s (13)', (url) => {
    const contents = theWindow().webContents;
    expect(fire(contents, 'will-navigate', url)).toBe(true);
    expect(fire(contents, 'will-redirect', url)).toBe(true);
  });

  it('lets the page keep its own URL (so the check above is not a blanket prevent)', () => {
    expect(fire(theWindow().webContents, 'will-navigate', `${APP_PAGE}#top`)).toBe(false);
  });

  it('denies every new window and opens nothing externally without an allow-list (14, 15)', () => {
    const handler = theWindow().webContents.windowOpenHandler;
    for (const url of ['https://evil.example/', 'https://help.contoso.com/', APP_PAGE, 'javascript:alert(1)']) {
      expect(handler?.({ url })).toEqual({ action: 'deny' });
    }
    expect(main.record.openedExternally).toEqual([]);
  });

  it('prevents attaching a <webview> (11-12)', () => {
    expect(fire(theWindow().webContents, 'will-attach-webview', {}, {})).toBe(true);
  });

  it('guards every other webContents too (web-contents-created)', () => {
    const other = new FakeWebContents();
    main.record.appListeners.emit('web-contents-created', {}, other);
    expect(fire(other, 'will-attach-webview', {}, {})).toBe(true);
    expect(other.windowOpenHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
  });
});

describe('window.ts compiled on its own: shell.openExternal only for allow-listed https (15)', () => {
  it('opens an allow-listed https URL in the system browser and nothing else', async () => {
    const [mainOptions] = shellBuildOptions(outDir);
    const outfile = join(outDir, 'window', 'window.cjs');
    await build({ ...mainOptions, entryPoints: [nodeRequire.resolve('../../../src/main/electron/window.ts')], outfile });
    const stand = createMainStandIn({ appPath, userData: work, documents: work });
    const windowModule = runCommonJs(outfile, (id) => (id === 'electron' ? stand.electron : nodeRequire(id)));
    const createMainWindow = windowModule.createMainWindow as (options: object) => unknown;
    createMainWindow({ preloadPath: 'p.cjs', devTools: false, externalHosts: () => ['help.contoso.com'] });
    const handler = stand.record.windows[0]?.webContents.windowOpenHandler;
    for (const url of [
      'https://help.contoso.com/guide',
      'http://help.contoso.com/guide',
      'https://help.contoso.com.evil.example/',
      'https://user:pw@help.contoso.com/',
      'file:///c:/windows/system32/calc.exe',
    ]) {
      expect(handler?.({ url })).toEqual({ action: 'deny' });
    }
    expect(stand.record.openedExternally).toEqual(['https://help.contoso.com/guide']);
  }, 30_000);
});

describe('session (compiled main.cjs)', () => {
  const permissions = ['media', 'geolocation', 'notifications', 'clipboard-read', 'hid', 'usb', 'serial', 'openExternal'];

  it.each(permissions)('denies the %s permission request and check (5)', (permission) => {
    const callback = vi.fn();
    main.record.permissionRequestHandler?.({}, permission, callback, {});
    expect(callback.mock.calls).toEqual([[false]]);
    expect(main.record.permissionCheckHandler?.({}, permission, 'app://station', {})).toBe(false);
  });

  it('allows only sanitized clipboard writes, and only from the app page', () => {
    const request = (origin: string) => {
      const callback = vi.fn();
      main.record.permissionRequestHandler?.({}, 'clipboard-sanitized-write', callback, { requestingUrl: `${origin}/index.html` });
      return callback.mock.calls[0]?.[0];
    };
    expect(request('app://station')).toBe(true);
    expect(request('https://evil.example')).toBe(false);
    expect(main.record.permissionCheckHandler?.({}, 'clipboard-sanitized-write', 'app://station', {})).toBe(true);
    expect(main.record.permissionCheckHandler?.({}, 'clipboard-sanitized-write', 'https://evil.example', {})).toBe(false);
  });

  it('denies device permissions', () => {
    expect(main.record.devicePermissionHandler?.({ deviceType: 'hid', origin: 'app://station' })).toBe(false);
  });
});

describe('app:// protocol (compiled main.cjs)', () => {
  const serve = (url: string) => {
    const handler = main.record.protocolHandlers.get('app');
    if (!handler) throw new Error('no app:// handler');
    return handler(new Request(url));
  };

  it('serves the page with the strict CSP header (7)', async () => {
    const response = await serve(APP_PAGE);
    expect(response.status).toBe(200);
    const csp = response.headers.get('Content-Security-Policy') ?? '';
    expect(csp).toBe(contentSecurityPolicy());
    for (const directive of ["default-src 'self'", "script-src 'self'", "object-src 'none'"]) expect(csp).toContain(directive);
    expect(csp).not.toMatch(/unsafe-(inline|eval)/);
    expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect((await serve('app://station/assets/app.js')).headers.get('Content-Security-Policy')).toBe(csp);
  });

  it.each([
    'app://station/../secret.txt',
    'app://station/%2e%2e/secret.txt',
    'app://station/..%2fsecret.txt',
    'app://station/assets/..%5c..%5csecret.txt',
    'app://station/missing.html',
    'app://evil/index.html',
  ])('answers %s with 404', async (url) => {
    expect((await serve(url)).status).toBe(404);
  });
});

describe('IPC handlers (compiled main.cjs)', () => {
  const handlerFor = (channel: string): Listener => {
    const handler = main.record.ipcHandlers.get(IPC_INVOKE_PREFIX + channel);
    if (!handler) throw new Error(`no handler for ${channel}`);
    return handler;
  };

  it('registers exactly one invoke handler per contract channel and no other IPC listener', () => {
    expect([...main.record.ipcHandlers.keys()].sort()).toEqual(INVOKE_CHANNELS.map((c) => IPC_INVOKE_PREFIX + c).sort());
    expect(main.record.otherIpcListeners).toEqual([]);
  });

  it.each(INVOKE_CHANNELS)('%s refuses another origin, a subframe and a missing frame (17)', async (channel) => {
    const contents = theWindow().webContents;
    const evil = { url: 'https://evil.example/' };
    const subframe = { url: APP_PAGE }; // our URL, but not the top frame
    const senders = [
      { senderFrame: evil, sender: { mainFrame: evil } },
      { senderFrame: subframe, sender: contents },
      { senderFrame: null, sender: contents },
    ];
    for (const event of senders) {
      const answer = await handlerFor(channel)(event, {});
      expect(envelopeSchema.parse(answer)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    }
  });

  it.each(INVOKE_CHANNELS)('%s answers the app frame with a well-formed envelope', async (channel) => {
    const contents = theWindow().webContents;
    // A payload no channel accepts: the answer must still be an envelope, and never a refusal.
    const answer = envelopeSchema.parse(await handlerFor(channel)({ senderFrame: contents.mainFrame, sender: contents }, { bogus: 1 }));
    if (!answer.ok) expect(answer.error.code).not.toBe('FORBIDDEN_SENDER');
  });
});

describe('refused IPC senders in the diagnostic log (compiled main.cjs)', () => {
  const PER_MINUTE = 20;
  const logDir = () => join(work, 'userData', 'logs');
  /** Every line the station's diagnostic log holds about refused senders (the file is written asynchronously). */
  const refusalLines = () =>
    readdirSync(logDir())
      .filter((name) => name.endsWith('.log'))
      .flatMap((name) => readFileSync(join(logDir(), name), 'utf8').split('\n'))
      .filter((line) => line.includes('"ipc.sender-refused'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  const refuse = (channel: string, payload: unknown = {}) => {
    const evil = { url: 'https://evil.example/steal?token=abc' };
    const handler = main.record.ipcHandlers.get(IPC_INVOKE_PREFIX + channel);
    if (!handler) throw new Error(`no handler for ${channel}`);
    return handler({ senderFrame: evil, sender: { mainFrame: evil } }, payload);
  };
  /**
   * Each step starts a fresh minute of the limit (the tests above refused many senders already) by
   * moving the clock on; the log's timestamps follow it, which tells this step's lines apart.
   */
  const nextMinute = (): number => {
    const at = Date.now() + 61_000;
    vi.setSystemTime(at);
    return at;
  };
  const linesFrom = (from: number, until = Number.POSITIVE_INFINITY) =>
    refusalLines().filter((e) => Date.parse(String(e.time)) >= from && Date.parse(String(e.time)) < until);

  beforeAll(() => void vi.useFakeTimers({ toFake: ['Date'] }));
  afterAll(() => void vi.useRealTimers());

  it('a refused sender is one log line: the origin and the channel, never the payload', async () => {
    const from = nextMinute();
    await refuse('outbox.list', { secretPayload: 'do-not-log' });
    await vi.waitFor(() => expect(linesFrom(from).filter((e) => e.event === 'ipc.sender-refused')).toHaveLength(1), { timeout: 5_000, interval: 20 });
    expect(linesFrom(from).filter((e) => e.event === 'ipc.sender-refused')).toEqual([
      expect.objectContaining({ level: 'warn', origin: 'https://evil.example', channel: 'outbox.list', mainFrame: true }),
    ]);
    const all = readdirSync(logDir())
      .map((name) => readFileSync(join(logDir(), name), 'utf8'))
      .join('');
    expect(all).not.toContain('do-not-log');
    expect(all).not.toContain('token=abc');
  });

  it('a flood writes at most the limit per minute, then one line with the number dropped', async () => {
    const floodFrom = nextMinute();
    for (let i = 0; i < PER_MINUTE * 3; i += 1) await refuse('settings.get');
    const after = nextMinute();
    await refuse('station.snapshot');
    await vi.waitFor(() => expect(linesFrom(after).at(-1)).toMatchObject({ event: 'ipc.sender-refused', channel: 'station.snapshot' }), {
      timeout: 5_000,
      interval: 20,
    });
    expect(linesFrom(floodFrom, after)).toHaveLength(PER_MINUTE);
    expect(linesFrom(floodFrom, after).every((e) => e.event === 'ipc.sender-refused' && e.channel === 'settings.get')).toBe(true);
    expect(linesFrom(after).filter((e) => e.event === 'ipc.sender-refused-dropped')).toEqual([
      expect.objectContaining({ level: 'warn', dropped: PER_MINUTE * 2, perMinute: PER_MINUTE }),
    ]);
  });
});

describe('preload (compiled preload.cjs)', () => {
  const station = () => preload.exposed.get('station') as Record<string, (...args: unknown[]) => unknown>;

  it('requires nothing a sandboxed preload cannot have', () => {
    expect(preloadRequires.filter((id) => !SANDBOXED_PRELOAD_MODULES.has(id))).toEqual([]);
    expect(preloadRequires).toContain('electron');
  });

  it('exposes exactly one key, `station`, with exactly `invoke` and `on` (20)', () => {
    expect([...preload.exposed.keys()]).toEqual(['station']);
    expect(Object.keys(station()).sort()).toEqual(['invoke', 'on']);
  });

  it('exposes no ipcRenderer, at any depth (20)', () => {
    const seen = new Set<unknown>();
    const walk = (value: unknown): void => {
      if ((typeof value !== 'object' && typeof value !== 'function') || value === null || seen.has(value)) return;
      seen.add(value);
      expect(value).not.toBe(preload.ipcRenderer);
      for (const key of Reflect.ownKeys(value)) walk((value as Record<PropertyKey, unknown>)[key]);
    };
    walk(station());
    expect(seen.size).toBeGreaterThan(1);
  });

  it('invoke with an unknown channel never reaches ipcRenderer', async () => {
    const before = preload.invoked.length;
    for (const channel of ['nope', 'station:invoke:station.snapshot', '__proto__', 'toString', 42]) {
      await expect(station().invoke?.(channel, {})).resolves.toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    }
    expect(preload.invoked.length).toBe(before);
    await station().invoke?.('station.snapshot', {});
    expect(preload.invoked.at(-1)).toEqual([`${IPC_INVOKE_PREFIX}station.snapshot`, {}]);
  });

  it('on: listeners receive the payload only, never the IPC event; unsubscribe removes it', () => {
    const event = EVENT_CHANNELS[0] ?? 'readers.changed';
    const received: unknown[][] = [];
    const off = station().on?.(event, (...args: unknown[]) => received.push(args)) as () => void;
    const forward = preload.listeners.get(IPC_EVENT_PREFIX + event)?.at(-1);
    const ipcEvent = { sender: preload.ipcRenderer, senderId: 0, ports: [] };
    forward?.(ipcEvent, { readers: [] });
    expect(received).toEqual([[{ readers: [] }]]);
    off();
    expect(preload.removed).toEqual([[IPC_EVENT_PREFIX + event, forward]]);
  });

  it('on: a listener that throws does not keep the event from the others, and its error still surfaces', async () => {
    const event = EVENT_CHANNELS[0] ?? 'readers.changed';
    const received: unknown[] = [];
    const offBad = station().on?.(event, () => {
      throw new Error('listener bug');
    }) as () => void;
    const offGood = station().on?.(event, (payload: unknown) => received.push(payload)) as () => void;
    const forwards = preload.listeners.get(IPC_EVENT_PREFIX + event)?.slice(-2) ?? [];
    const surfaced = new Promise<unknown>((resolve) => process.once('uncaughtException', resolve));
    // ipcRenderer (an EventEmitter) calls its listeners in order and stops at the first throw.
    for (const forward of forwards) forward({ sender: preload.ipcRenderer }, { readers: [] });
    expect(received).toEqual([{ readers: [] }]);
    await expect(surfaced).resolves.toMatchObject({ message: 'listener bug' });
    offBad();
    offGood();
  });

  it('on refuses unknown events and non-function listeners without touching ipcRenderer', () => {
    const before = [...preload.listeners.values()].flat().length;
    expect(() => station().on?.('nope', () => {})).toThrow(TypeError);
    expect(() => station().on?.('toString', () => {})).toThrow(TypeError);
    expect(() => station().on?.(EVENT_CHANNELS[0], 'not a function')).toThrow(TypeError);
    expect([...preload.listeners.values()].flat().length).toBe(before);
  });
});

describe('start-up failure (compiled main.cjs)', () => {
  it('tells the operator exactly what is wrong and exits, instead of showing nothing', async () => {
    // A damaged outbox journal: a bad record that is not the last one is corruption, not a torn
    // write, so the station must refuse to start rather than guess or drop what was confirmed.
    const userData = join(work, 'broken-userData');
    const journal = join(userData, 'training', 'outbox', 'outbox.journal');
    mkdirSync(dirname(journal), { recursive: true });
    const damaged = encodeFrame(Buffer.from('{"not":"checked"}'));
    damaged.writeUInt32LE(0, 8); // wrong CRC
    writeFileSync(journal, Buffer.concat([damaged, encodeFrame(Buffer.from('{}'))]));

    const broken = createMainStandIn({ appPath, userData, documents: work });
    loadMain(broken);
    broken.ready();
    await vi.waitFor(() => expect(broken.record.calls).toContain('app.exit 1'), { timeout: 20_000, interval: 20 });
    expect(broken.record.windows).toHaveLength(0);
    expect(broken.record.errorBoxes).toHaveLength(1);
    expect(broken.record.errorBoxes[0]!.content).toContain('STORAGE_CORRUPT');
    expect(broken.record.errorBoxes[0]!.content).toContain('outbox.journal');
  }, 30_000);
});

describe('integrated sign-in scope (compiled main.cjs, real mode)', () => {
  const CM_URL = 'https://CM.contoso.com:8443/CertificateManagement/api/v1.0/';
  const REQUEST = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
  const SMARTCARD = '9b2c7d1e-2a3b-4c5d-8e9f-0a1b2c3d4e5f';
  const ALLOW = 'session.allowNTLMCredentialsForDomains';
  const firstFetch = (calls: string[]) => calls.findIndex((c) => c.startsWith('net.request '));

  afterEach(() => {
    machinePolicy = null;
  });

  /** A desktop whose machine policy (the only source of these keys) names a real CM. */
  function standInWith(userData: string, policy: Record<string, unknown>) {
    mkdirSync(userData, { recursive: true });
    machinePolicy = policy;
    return createMainStandIn({ appPath, userData, documents: work });
  }
  async function started(stand: MainStandIn) {
    loadMain(stand);
    stand.ready();
    await vi.waitFor(() => expect(stand.record.windows).toHaveLength(1), { timeout: 20_000, interval: 20 });
    const invoke = (channel: string, payload: unknown) => {
      const handler = stand.record.ipcHandlers.get(IPC_INVOKE_PREFIX + channel);
      const contents = stand.record.windows[0]!.webContents;
      return handler?.({ senderFrame: contents.mainFrame, sender: contents }, payload);
    };
    return invoke;
  }
  async function quit(stand: MainStandIn) {
    stand.record.appListeners.emit('before-quit', { preventDefault: () => {} });
    await vi.waitFor(() => expect(stand.record.calls).toContain('app.quit'), { timeout: 10_000 });
  }
  /** `--cli retire` on the same desktop: CM is unreachable (the stand-in has no network), so it stays queued. */
  async function queueRetire(userData: string) {
    const stand = createMainStandIn({ appPath, userData, documents: work });
    const out = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      loadMain(stand, [process.execPath, '--cli', 'retire', '--request', REQUEST, '--smartcard', SMARTCARD, '--json']);
      stand.ready();
      await vi.waitFor(() => expect(stand.record.calls.some((c) => c.startsWith('app.exit'))).toBe(true), { timeout: 20_000, interval: 20 });
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
    expect(stand.record.calls).toContain('app.exit 4');
  }

  it('empty allowedAuthDomains means exactly the CM host, set before any CM call; the operator cannot change it', async () => {
    const userData = join(work, 'real-userData');
    const first = standInWith(userData, { cmBaseUrl: CM_URL, allowedAuthDomains: [] });
    // What the station had created when the list was first set: nothing, i.e. no audit log and
    // no outbox yet, so nothing could have called CM before it.
    const session = (first.electron.session as { defaultSession: { allowNTLMCredentialsForDomains: (d: string) => void } }).defaultSession;
    const allow = session.allowNTLMCredentialsForDomains;
    const seenAtFirstScope: string[][] = [];
    session.allowNTLMCredentialsForDomains = (domains) => {
      // The data-folder lock and the diagnostic log (logs/) are there from the start; neither calls CM.
      if (seenAtFirstScope.length === 0) seenAtFirstScope.push(readdirSync(userData).filter((name) => name !== 'logs' && !name.startsWith('.station-lock')));
      allow(domains);
    };
    const invoke = await started(first);
    // The host alone: lower-case, no port, no wildcard.
    expect(first.record.ntlmDomains).toEqual(['cm.contoso.com']);
    expect(seenAtFirstScope).toEqual([[]]);

    // A search goes to CM through net.request (the stand-in has no network: the cached list answers).
    await expect(invoke('requests.search', { query: '' })).resolves.toMatchObject({ ok: true });
    await vi.waitFor(() => expect(first.record.netFetches.length).toBeGreaterThan(0), { timeout: 10_000 });
    expect(first.record.netFetches[0]).toMatch(/^https:\/\/cm\.contoso\.com:8443\/CertificateManagement\/api\/v1\.0\//);
    expect(first.record.calls.indexOf(`${ALLOW} cm.contoso.com`)).toBeLessThan(firstFetch(first.record.calls));

    // The renderer cannot widen who gets credentials: the key is machine policy's alone.
    await expect(invoke('settings.update', { allowedAuthDomains: ['*.contoso.com'] })).resolves.toMatchObject({
      ok: false,
      error: { code: 'SETTING_MACHINE_ONLY' },
    });
    expect(first.record.ntlmDomains).toEqual(['cm.contoso.com']);
    await quit(first);
  }, 60_000);

  it('a queued operation replays at the next start only after the list (as the changed policy says) is set', async () => {
    const userData = join(work, 'replay-userData');
    standInWith(userData, { cmBaseUrl: CM_URL, allowedAuthDomains: [] });
    await queueRetire(userData);
    // IT changed the policy meanwhile; it applies from this start on.
    const second = standInWith(userData, { cmBaseUrl: CM_URL, allowedAuthDomains: ['cm.contoso.com', '*.corp.contoso.com'] });
    await started(second);
    await vi.waitFor(() => expect(second.record.netFetches.length).toBeGreaterThan(0), { timeout: 15_000 });
    const allowAt = second.record.calls.indexOf(`${ALLOW} cm.contoso.com,*.corp.contoso.com`);
    expect(allowAt).toBeGreaterThanOrEqual(0);
    expect(allowAt).toBeLessThan(firstFetch(second.record.calls));
    expect(second.record.ntlmDomains).not.toContain('');
    await quit(second);
  }, 60_000);

  it('a machine policy with a regex-looking reader pattern still starts the desktop app, in its safe state, naming the problem', async () => {
    const stand = standInWith(join(work, 'bad-pattern-userData'), { cmBaseUrl: CM_URL, readerExclude: ['/(unclosed/'] });
    const invoke = await started(stand);
    const view = await invoke('settings.get', {});
    expect(view).toMatchObject({
      ok: true,
      value: { policy: { status: 'invalid', problems: [expect.stringMatching(/^readerExclude\[0\]: .*looks like a regular expression/)] } },
    });
    // Safe: the CM address of a policy that could not be read is not used; nothing is sent.
    expect(stand.record.netFetches).toEqual([]);
    await quit(stand);
  }, 30_000);

  it('allowedAuthDomains set: exactly that list, comma-separated, before any CM call', async () => {
    const stand = standInWith(join(work, 'listed-userData'), { cmBaseUrl: CM_URL, allowedAuthDomains: ['cm.contoso.com', '*.contoso.com'] });
    const invoke = await started(stand);
    expect(stand.record.ntlmDomains).toEqual(['cm.contoso.com,*.contoso.com']);
    await invoke('requests.search', { query: '' });
    await vi.waitFor(() => expect(stand.record.netFetches.length).toBeGreaterThan(0), { timeout: 10_000 });
    expect(stand.record.calls.indexOf(`${ALLOW} cm.contoso.com,*.contoso.com`)).toBeLessThan(firstFetch(stand.record.calls));
    await quit(stand);
  }, 30_000);
});

describe('--cli (compiled main.cjs)', () => {
  const CM_URL = 'https://cm.contoso.com/CertificateManagement/api/v1.0/';
  /** A retire of one request's card: it goes to CM (queued when CM cannot be reached). */
  const RETIRE = [
    process.execPath,
    '--cli',
    'retire',
    '--request',
    '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
    '--smartcard',
    '9b2c7d1e-2a3b-4c5d-8e9f-0a1b2c3d4e5f',
    '--json',
    '--data-dir',
    '<data>',
  ];

  afterEach(() => {
    machinePolicy = null;
  });

  async function cli(argv: string[], options: { singleInstance?: boolean; netAnswer?: (url: string) => NetAnswer } = {}) {
    const dir = mkdtempSync(join(work, 'cli-'));
    const { netAnswer, ...standOptions } = options;
    const stand = createMainStandIn({ appPath, userData: join(dir, 'userData'), documents: dir, ...standOptions });
    if (netAnswer !== undefined) stand.record.netAnswer = netAnswer;
    const out: string[] = [];
    const err: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void out.push(args.join(' ')));
    const error = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void err.push(args.join(' ')));
    try {
      loadMain(
        stand,
        argv.map((a) => a.replace('<data>', join(dir, 'data'))),
      );
      stand.ready();
      await vi.waitFor(() => expect(stand.record.calls.some((c) => c.startsWith('app.exit'))).toBe(true), { timeout: 20_000, interval: 20 });
    } finally {
      log.mockRestore();
      error.mockRestore();
    }
    const exit = Number(stand.record.calls.find((c) => c.startsWith('app.exit'))!.split(' ')[1]);
    return { stand, exit, out, err };
  }

  it('runs a command without a window and exits with the CLI exit code (--json on stdout)', async () => {
    const { stand, exit, out } = await cli([process.execPath, '--cli', 'outbox', 'list', '--json', '--data-dir', '<data>']);
    expect(exit).toBe(0);
    expect(JSON.parse(out.at(-1)!)).toEqual({ exitCode: 0, message: 'The outbox is empty.', result: [] });
    expect(stand.record.windows).toHaveLength(0);
    expect(stand.record.ipcHandlers.size).toBe(0);
  }, 30_000);

  it('takes only what follows --cli (development: `electron . --cli ...`); bad input is exit 2 with the usage', async () => {
    const { exit, err, stand } = await cli([process.execPath, '.', '--cli', 'frobnicate', '--data-dir', '<data>']);
    expect(exit).toBe(2);
    expect(err.join('\n')).toContain('Usage: npm run station -- <command> [options]');
    expect(stand.record.windows).toHaveLength(0);
  }, 30_000);

  it("goes to CM (machine policy's address) through net.request with the allow-list set first; unreachable CM queues it (exit 4)", async () => {
    machinePolicy = { cmBaseUrl: CM_URL };
    const { exit, out, stand } = await cli(RETIRE);
    expect(exit).toBe(4);
    expect(JSON.parse(out.at(-1)!)).toMatchObject({ exitCode: 4, result: { kind: 'retire', state: 'pending' } });
    expect(stand.record.ntlmDomains).toEqual(['cm.contoso.com']);
    const fetchAt = stand.record.calls.findIndex((c) => c.startsWith(`net.request ${CM_URL}`));
    expect(fetchAt).toBeGreaterThan(stand.record.calls.indexOf('session.allowNTLMCredentialsForDomains cm.contoso.com'));
  }, 30_000);

  // Issue #17, part 7: net.fetch with redirect 'manual' rejects ("Redirect was cancelled",
  // electron/electron#43715), which read as "CM unreachable". net.request reports the 3xx instead.
  it('a redirect from CM is reported as CM_REDIRECTED naming the target, never followed, the request aborted', async () => {
    machinePolicy = { cmBaseUrl: CM_URL };
    const target = 'https://sts.contoso.com/adfs/ls/?wa=wsignin1.0';
    const { exit, out, stand } = await cli(RETIRE, { netAnswer: () => ({ kind: 'redirect', statusCode: 302, location: target }) });
    expect(exit).toBe(3);
    const result = JSON.parse(out.at(-1)!) as { result: { lastError: { code: string; message: string } } };
    expect(result.result.lastError).toMatchObject({ code: 'CM_REDIRECTED' });
    expect(result.result.lastError.message).toContain(target);
    expect(stand.record.netRequests.length).toBeGreaterThan(0);
    for (const request of stand.record.netRequests) {
      expect(request.options).toMatchObject({ redirect: 'manual' });
      expect(request.followed).toBe(false);
      expect(request.aborted).toBe(true);
    }
  }, 30_000);

  it('an answer comes back through net.request with its status, headers and body (a 503 page is an outage, exit 4)', async () => {
    machinePolicy = { cmBaseUrl: CM_URL };
    const { exit, out, stand } = await cli(RETIRE, {
      netAnswer: () => ({
        kind: 'response',
        statusCode: 503,
        headers: { 'content-type': 'text/html' },
        body: '<html><body><h1>Service Unavailable</h1></body></html>',
      }),
    });
    expect(exit).toBe(4);
    expect(JSON.parse(out.at(-1)!)).toMatchObject({
      result: { state: 'pending', lastError: { code: 'CM_UNAVAILABLE', serverMessage: 'Service Unavailable' } },
    });
    expect(stand.record.netRequests[0]?.headers).toMatchObject({ Accept: 'application/json' });
  }, 30_000);

  it('refuses the development flags in the installed app: --cm-url and --policy are exit 2, nothing sent', async () => {
    for (const flag of [
      ['--cm-url', 'https://elsewhere.example/'],
      ['--policy', '/tmp/p.json'],
    ]) {
      const { exit, err, stand } = await cli([process.execPath, '--cli', 'outbox', 'list', ...flag, '--data-dir', '<data>']);
      expect(exit).toBe(2);
      expect(err.join('\n')).toMatch(/is for development \(npm run station\)/);
      expect(stand.record.netFetches).toEqual([]);
      expect(stand.record.ntlmDomains).toEqual([]);
    }
  }, 30_000);

  /** The allowlist call comes before the first net.fetch to the CM address. */
  function scopedBeforeFetch(stand: MainStandIn): void {
    expect(stand.record.ntlmDomains).toEqual(['cm.contoso.com']);
    const fetchAt = stand.record.calls.findIndex((c) => c.startsWith(`net.request ${CM_URL}`) || c.startsWith(`net.fetch ${CM_URL}`));
    expect(fetchAt).toBeGreaterThan(stand.record.calls.indexOf('session.allowNTLMCredentialsForDomains cm.contoso.com'));
  }

  it("cm-check goes through the app: machine policy's address, the app network stack (net.request) with the allow-list set first (unreachable: exit 1)", async () => {
    machinePolicy = { cmBaseUrl: CM_URL };
    const { exit, out, stand } = await cli([process.execPath, '--cli', 'cm-check', '--json', '--data-dir', '<data>']);
    expect(exit).toBe(1);
    expect(JSON.parse(out.at(-1)!)).toMatchObject({ exitCode: 1, result: { target: CM_URL, reachable: false } });
    expect(stand.record.netFetches.length).toBeGreaterThan(0);
    expect(stand.record.netFetches.every((url) => url.startsWith(CM_URL))).toBe(true);
    scopedBeforeFetch(stand);
  }, 30_000);

  it('support-bundle goes through the app too: its CM check uses the app network stack, the bundle is written (exit 0)', async () => {
    machinePolicy = { cmBaseUrl: CM_URL };
    const bundle = join(mkdtempSync(join(work, 'bundle-')), 'support.zip');
    const { exit, out, stand } = await cli([process.execPath, '--cli', 'support-bundle', '--out', bundle, '--json', '--data-dir', '<data>']);
    expect(exit).toBe(0);
    expect(JSON.parse(out.at(-1)!)).toMatchObject({ exitCode: 0, result: { path: bundle } });
    expect(existsSync(bundle)).toBe(true);
    expect(stand.record.netFetches.some((url) => url.startsWith(CM_URL))).toBe(true);
    scopedBeforeFetch(stand);
  }, 30_000);

  it('refuses --policy and --cm-url for cm-check and support-bundle as for every command: exit 2, nothing sent', async () => {
    for (const command of [['cm-check'], ['support-bundle', '--out', join(work, 'never.zip')]]) {
      for (const flag of [
        ['--cm-url', 'https://elsewhere.example/'],
        ['--policy', '/tmp/p.json'],
      ]) {
        const { exit, err, stand } = await cli([process.execPath, '--cli', ...command, ...flag, '--data-dir', '<data>']);
        expect(exit).toBe(2);
        expect(err.join('\n')).toMatch(/is for development \(npm run station\)/);
        expect(stand.record.netFetches).toEqual([]);
        expect(stand.record.ntlmDomains).toEqual([]);
      }
    }
    expect(existsSync(join(work, 'never.zip'))).toBe(false);
  }, 60_000);

  it('refuses a weakening Chromium switch in front of --cli (exit 2, the reason, nothing started); Windows-style too', async () => {
    const { exit, err, stand } = await cli([
      process.execPath,
      '--ignore-certificate-errors',
      '--proxy-server=127.0.0.1:8080',
      '--cli',
      'outbox',
      'list',
      '--data-dir',
      '<data>',
    ]);
    expect(exit).toBe(2);
    expect(err.join('\n')).toMatch(/will not start with --ignore-certificate-errors, --proxy-server: .*allowedChromiumSwitches/);
    // Off Chromium's command line before anything else could use them.
    expect(stand.record.calls).toContain('commandLine.removeSwitch ignore-certificate-errors');
    expect(stand.record.calls).toContain('commandLine.removeSwitch proxy-server');
    expect(stand.record.calls.some((c) => c.startsWith('commandLine.appendSwitch'))).toBe(false);
    expect(stand.record.netFetches).toEqual([]);
    expect(stand.record.ntlmDomains).toEqual([]);
  }, 30_000);

  it('runs with a switch machine policy allows (allowedChromiumSwitches), putting it back with its value', async () => {
    machinePolicy = { allowedChromiumSwitches: ['log-net-log'] };
    const allowed = await cli([process.execPath, '--log-net-log=/tmp/net.json', '--cli', 'outbox', 'list', '--data-dir', '<data>']);
    expect(allowed.exit).toBe(0);
    expect(allowed.stand.record.calls).toContain('commandLine.appendSwitch log-net-log=/tmp/net.json');
    // Allowing one switch allows no other.
    const { exit, err } = await cli([
      process.execPath,
      '--log-net-log=/tmp/net.json',
      '--host-resolver-rules=MAP * 127.0.0.1',
      '--cli',
      'outbox',
      'list',
      '--data-dir',
      '<data>',
    ]);
    expect(exit).toBe(2);
    expect(err.join('\n')).toMatch(/will not start with --host-resolver-rules:/);
  }, 60_000);

  it('refuses a weakening switch for the window too: a message box, exit 1, no window', async () => {
    const stand = createMainStandIn({ appPath, userData: join(work, 'switch-userData'), documents: work });
    loadMain(stand, [process.execPath, '--disable-web-security']);
    stand.ready();
    await vi.waitFor(() => expect(stand.record.calls).toContain('app.exit 1'), { timeout: 20_000, interval: 20 });
    expect(stand.record.errorBoxes).toEqual([{ title: 'Enrollment Station', content: expect.stringMatching(/will not start with --disable-web-security/) }]);
    expect(stand.record.windows).toHaveLength(0);
  }, 30_000);

  it('refuses while the app runs on this desktop (it holds the outbox journal): exit 1, nothing started', async () => {
    const { exit, err, stand } = await cli([process.execPath, '--cli', 'outbox', 'list', '--data-dir', '<data>'], { singleInstance: false });
    expect(exit).toBe(1);
    expect(err.join('\n')).toMatch(/running on this desktop/);
    expect(stand.record.ntlmDomains).toEqual([]);
  }, 30_000);

  it('without --cli the app starts its window as before', () => {
    expect(main.record.windows).toHaveLength(1);
  });
});
