// The real PC/SC stack for integration and end-to-end tests: one pcscd with the vpcd driver, inside the
// namespaces native/netns-run.mjs opens (network: vpcd's ports; mount: a private /run/pcscd, so no
// process outside talks to this pcscd; it also holds the machine-wide lock).
//
// pcscd's socket is the fixed path /run/pcscd/pcscd.comm, so one pcscd serves a whole run: the
// integration project's global setup starts it once; a test file that needs to stop or kill it takes
// control with attachPcscStack() and must leave it running when it is done.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readlinkSync, rmSync, watch, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PCSCD_SOCKET = '/run/pcscd/pcscd.comm';
const PCSCD_PID_FILE = '/run/pcscd/pcscd.pid';
const VPCD_DRIVER = '/usr/lib/pcsc/drivers/serial/libifdvpcd.so';
const NETNS_MARKER = 'ENROLLMENT_STATION_NETNS';

/** The two slots one vpcd entry gives, with the TCP port a virtual card connects to. */
export const VPCD_READERS = [
  { name: 'Virtual PCD 00 00', port: 35963 },
  { name: 'Virtual PCD 00 01', port: 35964 },
] as const;
export type VpcdSlot = 0 | 1;

const READY_TIMEOUT_MS = 5_000;
const EXIT_TIMEOUT_MS = 5_000;

export interface PcscStack {
  /** The running pcscd's pid, or null while it is stopped. */
  readonly pid: number | null;
  start(): Promise<void>;
  /** SIGTERM and wait for the process to be gone (pcscd removes its socket). */
  stop(): Promise<void>;
  /** SIGKILL and wait: the socket file stays behind, stale, as after a crash. */
  kill(): Promise<void>;
  restart(): Promise<void>;
  /** Stop pcscd if running (each start writes its own config dir, removed when that pcscd exits). */
  dispose(): Promise<void>;
}

/** Throws unless this process runs inside the namespace prepared by native/netns-run.mjs. */
export function assertInsideTestNetns(): void {
  // netns-run sets the marker to the id of the namespace it created; a process outside it (even one
  // that inherited the environment) sees a different id.
  const marker = process.env[NETNS_MARKER];
  if (!marker || marker !== readlinkSync('/proc/self/ns/net')) {
    throw new Error(
      'The PC/SC test stack must run inside its private network namespace (vpcd listens on 0.0.0.0 and ' +
        'only one pcscd may run per machine). Run: node native/netns-run.mjs -- <command>',
    );
  }
  if (!existsSync(VPCD_DRIVER)) {
    throw new Error(`The vpcd driver ${VPCD_DRIVER} is missing: apt-get install vsmartcard-vpcd`);
  }
}

/** True when something accepts connections on pcscd's socket (a stale file after SIGKILL does not). */
export function pcscdAccepts(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(PCSCD_SOCKET);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Starts pcscd with a vpcd-only reader config. Fails if a pcscd is already serving the socket. */
export async function startPcscStack(): Promise<PcscStack> {
  assertInsideTestNetns();
  if (await pcscdAccepts()) {
    throw new Error(`A pcscd is already serving ${PCSCD_SOCKET}; stop it first (only one may run per machine).`);
  }
  const stack = new VpcdStack();
  await stack.start();
  return stack;
}

/** Takes control of the pcscd that is already running (started by the global setup). */
export async function attachPcscStack(): Promise<PcscStack> {
  assertInsideTestNetns();
  if (!(await pcscdAccepts())) throw new Error('No pcscd is running: the integration global setup starts it.');
  return new VpcdStack();
}

class VpcdStack implements PcscStack {
  private child: ChildProcess | null = null;

  get pid(): number | null {
    return this.child?.pid ?? readPidFile();
  }

  async start(): Promise<void> {
    if (await pcscdAccepts()) throw new Error('pcscd is already running.');
    // Nobody serves the socket, so a pid file left by a killed pcscd is stale. pcscd would refuse to
    // start if that pid now belongs to another process (likely inside netns-run's PID namespace).
    rmSync(PCSCD_PID_FILE, { force: true });
    const workDir = writeReaderConfig();
    const logFile = join(workDir, 'pcscd.log');
    const log = openSync(logFile, 'a');
    // -f: stay in the foreground (we own and reap it); -c: read reader entries from our dir only.
    const child = spawn('pcscd', ['-f', '-c', join(workDir, READER_CONF_DIR)], { stdio: ['ignore', log, log] });
    closeSync(log); // the child has its own copy
    this.child = child;
    const exited = new Promise<never>((_, reject) => {
      child.once('exit', (code, signal) => {
        if (this.child === child) this.child = null;
        const tail = logTail(logFile);
        rmSync(workDir, { recursive: true, force: true });
        reject(new Error(`pcscd exited during start-up (code ${code}, signal ${signal}): ${tail}`));
      });
      child.once('error', reject);
    });
    exited.catch(() => undefined);
    await Promise.race([waitForSocket(), exited]);
  }

  stop(): Promise<void> {
    return this.signal('SIGTERM');
  }

  kill(): Promise<void> {
    return this.signal('SIGKILL');
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** Stop pcscd if running (its config dir goes with it). */
  async dispose(): Promise<void> {
    await this.stop();
    // A pcscd restarted by a test worker that has since ended (service-restart leaves one running for
    // the next file) was stopped above by its pid: nobody was left to remove its work dir.
    removeStaleWorkDirs();
  }

  private async signal(signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill(signal);
      await withTimeout(gone, EXIT_TIMEOUT_MS, `pcscd did not exit after ${signal}`);
      this.child = null;
      return;
    }
    this.child = null;
    // Started by another process (the global setup): signal it by its pid file; its parent reaps it.
    const pid = readPidFile();
    if (pid === null || !isAlive(pid)) return;
    process.kill(pid, signal);
    await waitForExit(pid);
  }
}

const READER_CONF_DIR = 'reader.conf.d';
const WORK_DIR_PREFIX = 'es-pcscd-';

/**
 * A fresh work dir per pcscd start: reader.conf.d/ with exactly one vpcd entry (pcsc.md: two would
 * clobber each other; one yields two slots), and the log beside it, never inside it: pcscd -c reads
 * EVERY file in that directory as reader configuration. Removed when that pcscd exits.
 */
function writeReaderConfig(): string {
  removeStaleWorkDirs();
  const workDir = mkdtempSync(join(tmpdir(), WORK_DIR_PREFIX));
  mkdirSync(join(workDir, READER_CONF_DIR));
  writeFileSync(
    join(workDir, READER_CONF_DIR, 'vpcd'),
    ['FRIENDLYNAME "Virtual PCD"', 'DEVICENAME   /dev/null:0x8C7B', `LIBPATH      ${VPCD_DRIVER}`, 'CHANNELID    0x8C7B', ''].join('\n'),
  );
  return workDir;
}

function logTail(logFile: string): string {
  try {
    return readFileSync(logFile, 'utf8').slice(-2_000);
  } catch {
    return '(no log)';
  }
}

function readPidFile(): number | null {
  try {
    const pid = Number.parseInt(readFileSync(PCSCD_PID_FILE, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** Alive and not a zombie (a zombie pcscd still blocks the next start until its parent reaps it). */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/**
 * Waits for a process we did not spawn to go away. Linux gives a non-parent no exit event we can
 * use from Node, so this checks /proc on a short timer, bounded (test support only, never product).
 */
async function waitForExit(pid: number): Promise<void> {
  const deadline = Date.now() + EXIT_TIMEOUT_MS;
  while (isAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`pcscd (pid ${pid}) did not exit`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Ready = the socket accepts a connection. pcscd binds (the file appears, which fs.watch reports)
 * a moment before it listens, and a stale file may be there already after SIGKILL, so each change
 * in the directory triggers a connection attempt, with a short retry timer as a backstop.
 */
async function waitForSocket(): Promise<void> {
  mkdirSync('/run/pcscd', { recursive: true });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let changed: () => void = () => undefined;
  const watcher = watch('/run/pcscd', () => changed());
  try {
    while (!(await pcscdAccepts())) {
      if (Date.now() > deadline) throw new Error(`pcscd did not open ${PCSCD_SOCKET} within ${READY_TIMEOUT_MS} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 10);
        changed = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  } finally {
    watcher.close();
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(message)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Dirs of pcscds that died with their owner (a test worker that ended, a killed run): nothing else
 * can be using them, since no pcscd is running and the run holds the machine-wide lock.
 */
function removeStaleWorkDirs(): void {
  for (const entry of readdirSync(tmpdir())) {
    if (entry.startsWith(WORK_DIR_PREFIX)) rmSync(join(tmpdir(), entry), { recursive: true, force: true });
  }
}
