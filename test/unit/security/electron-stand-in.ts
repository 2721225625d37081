import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { wrap } from 'node:module';
import { dirname } from 'node:path';
import { runInThisContext } from 'node:vm';

/**
 * A recording stand-in for the 'electron' module, for loading the compiled shell and preload under
 * plain Node (no Electron binary exists here). It behaves like Electron where the shell relies on it
 * (events, the order of `web-contents-created`, one window-open handler per webContents, a
 * `whenReady` the test resolves) and records everything the security checklist is about.
 */

export type Listener = (...args: unknown[]) => unknown;

export interface FakeFrame {
  url: string;
}

/** A webContents: an EventEmitter with the window-open handler and the main frame Electron gives. */
export class FakeWebContents extends EventEmitter {
  url = '';
  readonly mainFrame: FakeFrame = { url: '' };
  windowOpenHandler: Listener | null = null;
  readonly sent: Array<[string, unknown]> = [];

  setWindowOpenHandler(handler: Listener): void {
    // Electron keeps one handler per webContents: a later call replaces the earlier one.
    this.windowOpenHandler = handler;
  }
  getURL(): string {
    return this.url;
  }
  send(channel: string, payload: unknown): void {
    this.sent.push([channel, payload]);
  }
  isDestroyed(): boolean {
    return false;
  }
  listenersOf(event: string): Listener[] {
    return this.listeners(event) as Listener[];
  }
}

export interface MainRecord {
  /** Lifecycle calls in order, e.g. `app.enableSandbox` before `app.ready`. */
  calls: string[];
  /** dialog.showErrorBox calls: what the operator was told when the app could not start. */
  errorBoxes: Array<{ title: string; content: string }>;
  appListeners: EventEmitter;
  windows: Array<{ options: Record<string, unknown>; webContents: FakeWebContents; loaded: string[] }>;
  privilegedSchemes: unknown[];
  protocolHandlers: Map<string, (request: Request) => Promise<Response>>;
  permissionRequestHandler: Listener | null;
  permissionCheckHandler: Listener | null;
  devicePermissionHandler: Listener | null;
  ntlmDomains: string[];
  ipcHandlers: Map<string, Listener>;
  /** ipcMain.on/once/handleOnce: none may exist (they would bypass the sender check). */
  otherIpcListeners: string[];
  openedExternally: string[];
  /** URLs asked of the network (net.fetch or net.request). */
  netFetches: string[];
  netRequests: FakeClientRequest[];
  /** How the stand-in network answers a net.request (default: no network, an 'error' event). */
  netAnswer: (url: string) => NetAnswer;
}

/** What a stand-in `net.request` does once `end()` is called, as Electron's ClientRequest would. */
export type NetAnswer =
  | { kind: 'error'; message: string }
  | { kind: 'redirect'; statusCode: number; location: string }
  | { kind: 'response'; statusCode: number; headers: Record<string, string>; body: string };

/**
 * Electron's ClientRequest as documented (electron/docs/api/client-request.md): an EventEmitter with
 * setHeader/write/end/abort/followRedirect, emitting `response` (an IncomingMessage: statusCode,
 * headers with lower-case names, `data`/`end` events), `redirect` (statusCode, method, redirectUrl,
 * responseHeaders), `error` and `abort`. With `redirect: 'manual'` a redirect not followed
 * synchronously in the `redirect` listener cancels the request with an error.
 */
export class FakeClientRequest extends EventEmitter {
  readonly headers: Record<string, string> = {};
  readonly written: string[] = [];
  aborted = false;
  followed = false;
  constructor(
    readonly options: { url: string; method?: string; redirect?: string },
    private readonly answer: NetAnswer,
  ) {
    super();
  }
  setHeader(name: string, value: string): void {
    this.headers[name] = value;
  }
  write(chunk: string): void {
    this.written.push(chunk);
  }
  followRedirect(): void {
    this.followed = true;
  }
  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    setImmediate(() => this.emit('abort'));
  }
  end(): void {
    setImmediate(() => {
      if (this.aborted) return;
      const answer = this.answer;
      if (answer.kind === 'error') {
        this.emit('error', new Error(answer.message));
      } else if (answer.kind === 'redirect') {
        this.emit('redirect', answer.statusCode, this.options.method ?? 'GET', answer.location, { location: [answer.location] });
        if (this.options.redirect === 'follow' || this.followed) throw new Error('stand-in: a redirect was followed');
        if (!this.aborted && this.options.redirect === 'manual') this.emit('error', new Error('Redirect was cancelled'));
      } else {
        const response = Object.assign(new EventEmitter(), { statusCode: answer.statusCode, headers: answer.headers });
        this.emit('response', response);
        setImmediate(() => {
          response.emit('data', Buffer.from(answer.body));
          response.emit('end');
        });
      }
    });
  }
}

export interface MainStandIn {
  electron: Record<string, unknown>;
  record: MainRecord;
  /** Resolves `app.whenReady()`, as Electron does once Chromium is up. */
  ready(): void;
}

export function createMainStandIn(paths: {
  appPath: string;
  userData: string;
  documents: string;
  /** What app.requestSingleInstanceLock() answers: false when another instance holds it. */
  singleInstance?: boolean;
}): MainStandIn {
  const record: MainRecord = {
    calls: [],
    errorBoxes: [],
    appListeners: new EventEmitter(),
    windows: [],
    privilegedSchemes: [],
    protocolHandlers: new Map(),
    permissionRequestHandler: null,
    permissionCheckHandler: null,
    devicePermissionHandler: null,
    ntlmDomains: [],
    ipcHandlers: new Map(),
    otherIpcListeners: [],
    openedExternally: [],
    netFetches: [],
    netRequests: [],
    netAnswer: () => ({ kind: 'error', message: 'stand-in: no network' }),
  };
  const switchArg = (name: string) => process.argv.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  let resolveReady: () => void = () => {};
  const whenReady = new Promise<void>((resolve) => {
    resolveReady = resolve;
  });

  const app = {
    isPackaged: true, // as shipped: DevTools off
    enableSandbox: () => record.calls.push('app.enableSandbox'),
    requestSingleInstanceLock: () => paths.singleInstance ?? true,
    quit: () => record.calls.push('app.quit'),
    exit: (code: number) => record.calls.push(`app.exit ${code}`),
    on: (event: string, listener: Listener) => record.appListeners.on(event, listener),
    whenReady: () => whenReady,
    getAppPath: () => paths.appPath,
    /**
     * Chromium's parsed command line: the process arguments as the compiled main sees them when it
     * asks (`--name` or `--name=value`); removals and additions are recorded in `calls`.
     */
    commandLine: {
      hasSwitch: (name: string) => switchArg(name) !== undefined,
      getSwitchValue: (name: string) => switchArg(name)?.split('=').slice(1).join('=') ?? '',
      removeSwitch: (name: string) => record.calls.push(`commandLine.removeSwitch ${name}`),
      appendSwitch: (name: string, value?: string) => record.calls.push(`commandLine.appendSwitch ${name}${value === undefined ? '' : `=${value}`}`),
    },
    getVersion: () => '0.1.0',
    getPath(name: string): string {
      if (name === 'userData') return paths.userData;
      if (name === 'documents') return paths.documents;
      throw new Error(`stand-in: app.getPath(${name}) is not expected`);
    },
  };

  class BrowserWindow extends EventEmitter {
    readonly webContents = new FakeWebContents();
    private readonly loaded: string[] = [];
    constructor(options: Record<string, unknown>) {
      super();
      record.windows.push({ options, webContents: this.webContents, loaded: this.loaded });
      // Electron emits this while the window is being built, before the caller sees the window.
      record.appListeners.emit('web-contents-created', {}, this.webContents);
    }
    loadURL(url: string): Promise<void> {
      this.loaded.push(url);
      this.webContents.url = url;
      this.webContents.mainFrame.url = url;
      return Promise.resolve();
    }
    isDestroyed = () => false;
    isMinimized = () => false;
    restore(): void {}
    focus(): void {}
    show(): void {}
  }

  const electron = {
    app,
    BrowserWindow,
    dialog: {
      showErrorBox: (title: string, content: string) => record.errorBoxes.push({ title, content }),
    },
    protocol: {
      registerSchemesAsPrivileged(schemes: unknown[]) {
        record.calls.push('protocol.registerSchemesAsPrivileged');
        record.privilegedSchemes.push(...schemes);
      },
      handle(scheme: string, handler: (request: Request) => Promise<Response>) {
        record.protocolHandlers.set(scheme, handler);
      },
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (h: Listener) => (record.permissionRequestHandler = h),
        setPermissionCheckHandler: (h: Listener) => (record.permissionCheckHandler = h),
        setDevicePermissionHandler: (h: Listener) => (record.devicePermissionHandler = h),
        allowNTLMCredentialsForDomains: (domains: string) => {
          // In `calls` too, so a test can tell whether it came before the first net.fetch.
          record.calls.push(`session.allowNTLMCredentialsForDomains ${domains}`);
          record.ntlmDomains.push(domains);
        },
      },
    },
    ipcMain: {
      handle: (channel: string, handler: Listener) => record.ipcHandlers.set(channel, handler),
      removeHandler: (channel: string) => record.ipcHandlers.delete(channel),
      handleOnce: (channel: string) => record.otherIpcListeners.push(`handleOnce ${channel}`),
      on: (channel: string) => record.otherIpcListeners.push(`on ${channel}`),
      once: (channel: string) => record.otherIpcListeners.push(`once ${channel}`),
      removeAllListeners: (channel: string) => {
        const left = record.otherIpcListeners.filter((l) => l !== `on ${channel}` && l !== `once ${channel}`);
        record.otherIpcListeners.splice(0, record.otherIpcListeners.length, ...left);
      },
    },
    shell: {
      openExternal: (url: string) => {
        record.openedExternally.push(url);
        return Promise.resolve();
      },
    },
    net: {
      request: (options: { url: string; method?: string; redirect?: string }) => {
        record.calls.push(`net.request ${options.url}`);
        record.netFetches.push(options.url);
        const request = new FakeClientRequest(options, record.netAnswer(options.url));
        record.netRequests.push(request);
        return request;
      },
      fetch: (url: string) => {
        record.calls.push(`net.fetch ${url}`);
        record.netFetches.push(url);
        return Promise.reject(new Error('stand-in: no network'));
      },
    },
  };
  return {
    electron,
    record,
    ready() {
      record.calls.push('app.ready');
      resolveReady();
    },
  };
}

export interface PreloadRecord {
  exposed: Map<string, unknown>;
  invoked: Array<[string, unknown]>;
  listeners: Map<string, Listener[]>;
  removed: Array<[string, Listener]>;
  ipcRenderer: object;
}

export function createPreloadStandIn(): { electron: Record<string, unknown>; record: PreloadRecord } {
  const record: PreloadRecord = { exposed: new Map(), invoked: [], listeners: new Map(), removed: [], ipcRenderer: {} };
  const ipcRenderer = {
    invoke(channel: string, payload: unknown) {
      record.invoked.push([channel, payload]);
      return Promise.resolve({ ok: true, value: 'from main' });
    },
    on(channel: string, listener: Listener) {
      record.listeners.set(channel, [...(record.listeners.get(channel) ?? []), listener]);
      return ipcRenderer;
    },
    removeListener(channel: string, listener: Listener) {
      record.removed.push([channel, listener]);
      return ipcRenderer;
    },
  };
  record.ipcRenderer = ipcRenderer;
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => record.exposed.set(key, api) },
    ipcRenderer,
  };
  return { electron, record };
}

/**
 * Runs a compiled CommonJS file the way Node's loader does (same wrapper, this realm, so `Response`
 * and friends are the real ones), with `require` answered by `resolve`.
 */
export function runCommonJs(file: string, resolve: (id: string) => unknown): Record<string, unknown> {
  const wrapper = runInThisContext(wrap(readFileSync(file, 'utf8')), { filename: file }) as (...args: unknown[]) => void;
  const module = { exports: {} as Record<string, unknown> };
  wrapper.call(module.exports, module.exports, resolve, module, file, dirname(file));
  return module.exports;
}
