// Is the smart card service up? Answered WITHOUT creating a PC/SC context: the native addon's
// constructor loops on SCardEstablishContext while the service is down (a core at 99%, and on the
// main thread). On Linux the answer is "does pcscd accept a connection on its socket": the socket
// file alone proves nothing, it stays behind when pcscd is killed. On Windows it is the state of the
// Smart Card service (SCardSvr), which starts on demand and stops when the last reader goes away.
// On macOS there is no pcscd socket to look at (CryptoTokenKit's PC/SC layer is started by the system
// on demand), so the only honest answer is the PC/SC API itself: establish a context, see whether it
// lists readers or fails, and close it again.
import { execFile } from 'node:child_process';
import { watch, type FSWatcher } from 'node:fs';
import { connect } from 'node:net';
import { basename, dirname } from 'node:path';
import type { ServiceMechanism } from '../../shared/diagnostics';
import { systemTool } from '../common';
import { createPcscliteBinding, type PcscBinding, type PcscContext } from './binding';

export interface ServiceProbe {
  /** What isUp() asks (logged at start, shown on Diagnostics). */
  readonly mechanism: ServiceMechanism;
  isUp(): Promise<boolean>;
  /**
   * Calls `hint` when the service may have come up or gone down (a hint only: callers probe again).
   * Returns a function that stops watching. A probe without a cheap signal may never call `hint`.
   */
  watch(hint: () => void): () => void;
  /**
   * How often the monitor's backstop timer may probe while the service is down, when probing has
   * a real cost (Windows starts a process per probe); absent: the monitor's own defaults.
   */
  readonly retry?: { readonly initialMs: number; readonly maxMs: number };
}

export const PCSCD_SOCKET_PATH = '/run/pcscd/pcscd.comm';

/**
 * The probe for this platform: SCardSvr on Windows, a PC/SC context on macOS, pcscd's socket
 * elsewhere (Linux, BSDs). `binding` is only used on macOS (the real addon unless a test scripts one).
 */
export function createServiceProbe(platform: NodeJS.Platform = process.platform, binding: () => PcscBinding = createPcscliteBinding): ServiceProbe {
  if (platform === 'win32') return createWindowsServiceProbe();
  if (platform === 'darwin') return createPcscContextProbe(binding());
  return createPcscdSocketProbe();
}

/**
 * Windows: asks the service control manager for SCardSvr's state (`sc.exe query SCardSvr`,
 * "STATE : 4 RUNNING"). There is no cheap change signal to watch, so the monitor's backstop timer
 * (at most one query a second while the service is down) is what notices it coming back.
 */
export function createWindowsServiceProbe(query: () => Promise<string> = querySCardSvr): ServiceProbe {
  return {
    mechanism: { kind: 'windows-service', command: 'sc.exe query SCardSvr' },
    isUp: async () => {
      try {
        return /STATE\s*:\s*4\b/.test(await query());
      } catch {
        // sc query failing means the service cannot be seen: reported as down (and logged by pcsc.service).
        return false;
      }
    },
    watch: () => () => undefined,
    // Each probe starts sc.exe: back off further than on Linux, where a probe is one connect().
    retry: { initialMs: 250, maxMs: 3_000 },
  };
}

/** `sc.exe query SCardSvr`, by absolute path from the system folder and started there (system-tools.ts). */
export function scQueryCommand(env: Readonly<Record<string, string | undefined>> = process.env): { file: string; args: string[]; cwd: string } {
  const { file, cwd } = systemTool('sc.exe', env);
  return { file, args: ['query', 'SCardSvr'], cwd };
}

function querySCardSvr(): Promise<string> {
  const { file, args, cwd } = scQueryCommand();
  return new Promise((resolve, reject) =>
    execFile(file, args, { cwd, windowsHide: true, timeout: 2_000 }, (err, stdout) => (err ? reject(err) : resolve(stdout))),
  );
}
const CONNECT_TIMEOUT_MS = 1_000;

export function createPcscdSocketProbe(socketPath: string = PCSCD_SOCKET_PATH): ServiceProbe {
  return {
    mechanism: { kind: 'pcscd-socket', path: socketPath },
    isUp: () =>
      new Promise((resolve) => {
        const socket = connect(socketPath);
        const done = (up: boolean) => {
          socket.destroy();
          resolve(up);
        };
        socket.setTimeout(CONNECT_TIMEOUT_MS, () => done(false));
        socket.once('connect', () => done(true));
        socket.once('error', () => done(false));
      }),
    watch: (hint) => watchSocketDirectory(socketPath, hint),
  };
}

/**
 * pcscd creates (binds) its socket when it starts and unlinks it on a clean stop, so changes to the
 * socket's directory are the cheap, event-driven signal. The directory itself may not exist before
 * the first pcscd ran: then its parent is watched until it appears.
 */
function watchSocketDirectory(socketPath: string, hint: () => void): () => void {
  const directory = dirname(socketPath);
  let watcher: FSWatcher | null = null;
  let stopped = false;

  const arm = (): void => {
    if (stopped) return;
    watcher?.close();
    watcher = tryWatch(directory, (file) => {
      if (file === null || file === basename(socketPath)) hint();
    });
    if (watcher) return;
    watcher = tryWatch(dirname(directory), (file) => {
      if (file !== basename(directory)) return;
      hint();
      arm();
    });
  };
  arm();
  return () => {
    stopped = true;
    watcher?.close();
  };
}

function tryWatch(path: string, onChange: (file: string | null) => void): FSWatcher | null {
  try {
    const watcher = watch(path, { persistent: false }, (_event, file) => onChange(file === null ? null : String(file)));
    // A watched directory that is removed ends its watcher with an error; the caller's timer
    // backstop keeps probing meanwhile.
    watcher.on('error', () => watcher.close());
    return watcher;
  } catch {
    // Nothing to watch (folder missing): the caller's timer keeps probing.
    return null;
  }
}

/** How long a context may take to list readers (or fail) before the service counts as down. */
const CONTEXT_PROBE_TIMEOUT_MS = 2_000;

/**
 * macOS: the service is up when a PC/SC context can be established and lists readers (an empty list
 * counts: the service answered). Establishing throws, reports the context lost, or stays silent past
 * the timeout: down. The context is always closed again, outside the addon's callbacks (closing inside
 * one hangs the addon, see binding.ts). The macOS PC/SC layer does not spin like pcsc-lite's client
 * when the service is away, so probing through the API costs one short-lived context; there is no
 * cheap change signal, so the monitor's backstop timer is what notices the service coming back.
 */
export function createPcscContextProbe(binding: PcscBinding, options: { readonly timeoutMs?: number } = {}): ServiceProbe {
  const timeoutMs = options.timeoutMs ?? CONTEXT_PROBE_TIMEOUT_MS;
  return {
    mechanism: { kind: 'pcsc-context' },
    isUp: () =>
      new Promise<boolean>((resolve) => {
        let settled = false;
        let context: PcscContext | null = null;
        const settle = (up: boolean): void => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve(up);
          // Deferred: settle() may run inside an addon callback, where close() would hang. establish()
          // is synchronous, so by then `context` is set (or establishing threw and there is none).
          setImmediate(() => context?.close());
        };
        const timer = setTimeout(() => settle(false), timeoutMs);
        try {
          context = binding.establish({
            readers: () => settle(true),
            status: () => undefined,
            lost: () => settle(false),
          });
        } catch {
          // SCardEstablishContext failed: the service is not there.
          settle(false);
        }
      }),
    watch: () => () => undefined,
    retry: { initialMs: 500, maxMs: 5_000 },
  };
}
