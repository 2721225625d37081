// One writer per data folder. The outbox and audit journals, the request cache and the settings file
// are each written by one process at a time; the desktop app, the CLI and the host may all point at
// the same folder (they share it by design on Windows and macOS), so whichever starts second must be
// refused with the name of the process that holds the folder.
//
// The lock lives *inside* the owner-only data folder, so only the folder's owner (and the
// administrator) can take it, and the kernel releases it when the holder exits or is killed (no
// timer refreshing it, so an idle station stays idle):
// - Linux, macOS: a listening unix socket file, `.station-lock.sock`. The folder is 0700 and ours,
//   so no other user can create, replace or even connect to it. A socket file nobody listens on
//   (connect refused) is what a killed holder leaves behind: it is moved aside and removed if it is
//   still that file (inode and time). The holder answers whoever connects with who it is.
// - Windows: the file `.station.lock` held open with no sharing (libuv's UV_FS_O_EXLOCK, i.e.
//   CreateFile with share mode 0): a second open fails with a sharing violation until the holder's
//   handle is closed, which Windows does when the process ends. Who holds it is written beside it
//   in `.station-lock.holder` (the lock file itself cannot be read while held).
// Before issue 18 the lock was a Linux abstract socket / Windows named pipe whose name derived from
// the folder path: any local user could compute it, listen first and stop every station.
import { randomBytes } from 'node:crypto';
import { closeSync, constants, linkSync, lstatSync, openSync, readFileSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { StationError } from '../../shared/errors';
import { ensurePrivateDir, replaceFileDurably } from '../journal';

export const lockHolderSchema = z.object({
  pid: z.number().int().positive(),
  /** Which entry point: the desktop app, the station host, the CLI (with its command). */
  program: z.string().max(200),
  since: z.string().max(40),
});
export type LockHolder = z.infer<typeof lockHolderSchema>;

/** What a holder answers: who it is, and an instance id so a process can recognise its own socket. */
const holderAnswerSchema = lockHolderSchema.extend({ instance: z.string().max(64) });
type HolderAnswer = z.infer<typeof holderAnswerSchema>;

export type LockAttempt =
  | { readonly ok: true; readonly release: () => Promise<void> }
  /** `holder` is null when the holder did not say who it is in time (still: the folder is held). */
  | { readonly ok: false; readonly holder: LockHolder | null };

export interface LockOptions {
  readonly platform?: NodeJS.Platform;
  /** How long to wait for the holder's answer before reporting an unknown holder. */
  readonly askTimeoutMs?: number;
}

export const LOCK_SOCKET_NAME = '.station-lock.sock';
export const LOCK_FILE_NAME = '.station.lock';
export const LOCK_HOLDER_FILE_NAME = '.station-lock.holder';
/** libuv's open flag for CreateFile with share mode 0 (include/uv/win.h); Windows only. */
const UV_FS_O_EXLOCK = 0x10000000;
/** sun_path is 108 bytes on Linux, 104 on macOS (with its terminating NUL). */
const MAX_SOCKET_PATH_BYTES = 103;

/** Where the lock lives for a data folder: a file inside it, whatever the platform. */
export function lockAddress(dataDir: string, platform: NodeJS.Platform = process.platform): string {
  return join(resolve(dataDir), platform === 'win32' ? LOCK_FILE_NAME : LOCK_SOCKET_NAME);
}

/** Try to become the one writer of `dataDir`; never waits for the holder to go away. */
export async function acquireDataFolderLock(dataDir: string, program: string, options: LockOptions = {}): Promise<LockAttempt> {
  const platform = options.platform ?? process.platform;
  // The lock is only as private as its folder: owner-only, created or tightened here.
  ensurePrivateDir(dataDir, platform);
  const me: HolderAnswer = { pid: process.pid, program, since: new Date().toISOString(), instance: randomBytes(16).toString('hex') };
  if (platform === 'win32') return acquireExclusiveFile(dataDir, me);
  assertOwnFolder(dataDir);
  return acquireSocketFile(lockAddress(dataDir, platform), me, options.askTimeoutMs ?? 1_000);
}

/** A folder another user owns could be shared with them; the lock would then be theirs to take. */
function assertOwnFolder(dataDir: string): void {
  const uid = process.getuid?.();
  const stat = statSync(dataDir);
  if (uid !== undefined && uid !== 0 && stat.uid !== uid) {
    throw new StationError('STORAGE_IO', `The data folder ${resolve(dataDir)} belongs to another user.`, { path: resolve(dataDir) });
  }
}

// --- Linux and macOS: a socket file in the folder ---------------------------------------------

async function acquireSocketFile(path: string, me: HolderAnswer, askTimeoutMs: number): Promise<LockAttempt> {
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH_BYTES) {
    throw new StationError('STORAGE_IO', `The data folder path is too long for its lock (${path}); choose a shorter --data-dir.`, { path });
  }
  // Bounded: each round either holds, is refused, or removed one stale socket file.
  for (let round = 0; round < 5; round += 1) {
    const server = await listen(path, me);
    if (server instanceof Error) {
      // Not "someone holds it": the folder refuses us (permissions, a file system without sockets).
      throw new StationError('STORAGE_IO', `The data folder lock ${path} cannot be created: ${server.code ?? server.message}.`, {
        path,
        cause: server.code ?? null,
      });
    }
    if (server !== null) {
      // A contender that removed a stale file at the same moment may have replaced ours: only the
      // process whose own answer comes back through the name holds the folder.
      const check = await askHolder(path, askTimeoutMs);
      if (check.kind === 'answered' && check.answer.instance === me.instance) return held(server, path);
      await closeServer(server);
      return { ok: false, holder: check.kind === 'answered' ? holderOf(check.answer) : null };
    }
    const before = inodeOf(path);
    const asked = await askHolder(path, askTimeoutMs);
    if (asked.kind === 'answered') return { ok: false, holder: holderOf(asked.answer) };
    // Listening but silent (busy, or not a station): still held; never remove a live socket.
    if (asked.kind === 'silent') return { ok: false, holder: null };
    // Nobody listens on the file we looked at: stale, if it is still that same file.
    if (before !== null && inodeOf(path) === before) removeStaleSocket(path, before);
  }
  return { ok: false, holder: null };
}

/**
 * Which file a name points at: inode and modification time (a socket file is never modified after
 * its bind, and a new file that reuses a freed inode number has another time). Not ctime: a rename
 * changes it.
 */
function inodeOf(path: string): string | null {
  try {
    const stat = lstatSync(path, { bigint: true });
    return `${stat.ino}:${stat.mtimeNs}`;
  } catch {
    // No file (released, or moved aside by a contender).
    return null;
  }
}

/**
 * Removes the socket file a killed holder left, and only that one: it is moved aside (atomic: of
 * two contenders only one moves it) and deleted if it is the file found dead (same inode; a socket
 * inode never comes back to life). If a contender's fresh socket took the name in between, that
 * one is put back at once (`link` never overwrites). All synchronous: nothing of this process runs
 * in between, and another process has only the few microseconds of these calls.
 */
function removeStaleSocket(path: string, staleInode: string): void {
  const aside = `${path}.stale-${randomBytes(6).toString('hex')}`;
  try {
    renameSync(path, aside);
  } catch {
    // Gone already (another contender moved it): just try to listen again.
    return;
  }
  try {
    if (inodeOf(aside) !== staleInode) linkSync(aside, path);
  } catch {
    // Another socket took the name meanwhile; that one holds the folder.
  }
  try {
    unlinkSync(aside);
  } catch {
    // Already removed.
  }
}

function held(server: Server, path: string): LockAttempt {
  // The lock must never keep a finished CLI command alive.
  server.unref();
  let released: Promise<void> | null = null;
  return {
    ok: true,
    release: () =>
      (released ??= (async () => {
        // Remove the name first, then stop listening: a contender never sees our dead socket file.
        try {
          unlinkSync(path);
        } catch {
          // Already removed.
        }
        await closeServer(server);
      })()),
  };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((done) => server.close(() => done()));
}

/** The listening lock; null when the name is taken (EADDRINUSE); the error for any other failure. */
function listen(path: string, me: HolderAnswer): Promise<Server | null | NodeJS.ErrnoException> {
  return new Promise((done) => {
    const server = createServer((socket) => {
      socket.on('error', () => socket.destroy());
      socket.end(`${JSON.stringify(me)}\n`);
    });
    server.once('error', (err: NodeJS.ErrnoException) => done(err.code === 'EADDRINUSE' ? null : err));
    server.listen(path, () => done(server));
  });
}

type Asked =
  | { kind: 'answered'; answer: HolderAnswer }
  /** Nobody listens: a socket file left by a killed holder (or no file at all). */
  | { kind: 'refused' }
  /** Connected, but no well-formed answer in time. */
  | { kind: 'silent' };

function askHolder(path: string, timeoutMs: number): Promise<Asked> {
  return new Promise((done) => {
    let text = '';
    let connected = false;
    let finished = false;
    const socket = connect(path);
    const finish = () => {
      if (finished) return;
      finished = true;
      socket.destroy();
      const parsed = holderAnswerSchema.safeParse(safeJson(text.trim()));
      done(parsed.success ? { kind: 'answered', answer: parsed.data } : connected ? { kind: 'silent' } : { kind: 'refused' });
    };
    socket.setTimeout(timeoutMs, () => {
      // A connect that never completes is not "nobody listens": treat it as a silent holder.
      connected = true;
      finish();
    });
    socket.on('connect', () => (connected = true));
    socket.on('data', (chunk) => {
      text += chunk.toString('utf8');
      if (text.length > 1_000) finish();
    });
    socket.on('end', finish);
    socket.on('error', (err: NodeJS.ErrnoException) => {
      // Only ECONNREFUSED / ENOENT mean nobody is there; anything else is not proof of a stale file.
      if (!connected && err.code !== 'ECONNREFUSED' && err.code !== 'ENOENT') connected = true;
      finish();
    });
  });
}

function holderOf(answer: HolderAnswer): LockHolder {
  return { pid: answer.pid, program: answer.program, since: answer.since };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Not JSON: the caller treats it as a holder it cannot name.
    return null;
  }
}

// --- Windows: a file held open without sharing ------------------------------------------------

function acquireExclusiveFile(dataDir: string, me: HolderAnswer): LockAttempt {
  const path = lockAddress(dataDir, 'win32');
  const holderPath = join(resolve(dataDir), LOCK_HOLDER_FILE_NAME);
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDWR | constants.O_CREAT | UV_FS_O_EXLOCK, 0o600);
  } catch (err) {
    // EBUSY is libuv's name for ERROR_SHARING_VIOLATION: someone has it open.
    if ((err as NodeJS.ErrnoException).code === 'EBUSY' || (err as NodeJS.ErrnoException).code === 'EPERM') {
      return { ok: false, holder: readHolderFile(holderPath) };
    }
    throw new StationError('STORAGE_IO', `The data folder lock ${path} cannot be opened.`, { path, cause: (err as NodeJS.ErrnoException).code ?? null });
  }
  try {
    replaceFileDurably(holderPath, Buffer.from(`${JSON.stringify(me)}\n`, 'utf8'));
  } catch {
    // Only the name shown to a refused contender is lost; the lock itself holds.
  }
  let released: Promise<void> | null = null;
  return {
    ok: true,
    release: () =>
      (released ??= (async () => {
        closeSync(fd);
      })()),
  };
}

function readHolderFile(path: string): LockHolder | null {
  try {
    const parsed = holderAnswerSchema.safeParse(safeJson(readFileSync(path, 'utf8').trim()));
    return parsed.success ? holderOf(parsed.data) : null;
  } catch {
    // Not written yet (the holder has just opened the lock) or unreadable: a holder we cannot name.
    return null;
  }
}

/** The operator-facing sentence for a refused start. */
export function describeHolder(dataDir: string, holder: LockHolder | null): string {
  const who = holder ? `${holder.program} (process ${holder.pid}, since ${holder.since})` : 'another process';
  return `The data folder ${resolve(dataDir)} is in use by ${who}. Only one station process may write to it; close that one first, or use a read-only command.`;
}
