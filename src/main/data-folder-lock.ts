// One writer per data folder. The outbox and audit journals, the request cache and the settings file
// are each written by one process at a time; the desktop app, the CLI and the host may all point at
// the same folder (they share it by design on Windows and macOS), so whichever starts second must be
// refused with the name of the process that holds the folder.
//
// The lock is a listening local socket whose name derives from the folder: a Windows named pipe, a
// Linux abstract socket, a socket file in the folder elsewhere. The kernel owns it: it is released
// when the holder exits or is killed (no stale lock file after a crash, no timer refreshing it, so
// an idle station stays idle), and a second listen on the same name fails atomically. The holder
// answers whoever connects with who it is, which is how the second process can say "held by …".
import { createHash } from 'node:crypto';
import { unlinkSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { join, resolve } from 'node:path';
import { z } from 'zod';

export const lockHolderSchema = z.object({
  pid: z.number().int().positive(),
  /** Which entry point: the desktop app, the station host, the CLI (with its command). */
  program: z.string().max(200),
  since: z.string().max(40),
});
export type LockHolder = z.infer<typeof lockHolderSchema>;

export type LockAttempt =
  | { readonly ok: true; readonly release: () => Promise<void> }
  /** `holder` is null when the holder did not say who it is in time (still: the folder is held). */
  | { readonly ok: false; readonly holder: LockHolder | null };

export interface LockOptions {
  readonly platform?: NodeJS.Platform;
  /** How long to wait for the holder's answer before reporting an unknown holder. */
  readonly askTimeoutMs?: number;
}

/** The socket name for a data folder, the same for every process of this user on this machine. */
export function lockAddress(dataDir: string, platform: NodeJS.Platform = process.platform): string {
  const absolute = resolve(dataDir);
  // Windows paths are case-insensitive: C:\Users\A and c:\users\a are one folder.
  const key = platform === 'win32' ? absolute.toLowerCase() : absolute;
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 32);
  if (platform === 'win32') return `\\\\.\\pipe\\enrollment-station-${hash}`;
  // Abstract sockets have no file, so nothing can be left behind or pre-created by another user.
  if (platform === 'linux') return `\0enrollment-station-${hash}`;
  return join(absolute, '.station-lock.sock');
}

/** Try to become the one writer of `dataDir`; never waits for the holder to go away. */
export async function acquireDataFolderLock(
  dataDir: string,
  program: string,
  options: LockOptions = {},
): Promise<LockAttempt> {
  const platform = options.platform ?? process.platform;
  const address = lockAddress(dataDir, platform);
  const me: LockHolder = { pid: process.pid, program, since: new Date().toISOString() };
  const fileBacked = platform !== 'win32' && platform !== 'linux';

  const first = await listen(address, me);
  if (first.ok) return held(first.server, address, fileBacked);
  const holder = await askHolder(address, options.askTimeoutMs ?? 1_000);
  if (holder.answered || !fileBacked) return { ok: false, holder: holder.holder };
  // A socket file nobody listens on is what a killed holder leaves behind (only where the socket is
  // a file): remove it and try once more. If another process won that race, its listen succeeded
  // first and ours fails: still exactly one holder.
  try {
    unlinkSync(address);
  } catch {
    // Gone already (another contender cleaned it): just try to listen.
  }
  const second = await listen(address, me);
  if (second.ok) return held(second.server, address, fileBacked);
  return { ok: false, holder: (await askHolder(address, options.askTimeoutMs ?? 1_000)).holder };
}

function held(server: Server, address: string, fileBacked: boolean): LockAttempt {
  // The lock must never keep a finished CLI command alive.
  server.unref();
  let released: Promise<void> | null = null;
  return {
    ok: true,
    release: () =>
      (released ??= new Promise<void>((done) => {
        server.close(() => done());
        if (fileBacked) {
          try {
            unlinkSync(address);
          } catch {
            // Already removed.
          }
        }
      })),
  };
}

function listen(address: string, me: LockHolder): Promise<{ ok: true; server: Server } | { ok: false }> {
  return new Promise((done) => {
    const server = createServer((socket) => {
      socket.on('error', () => socket.destroy());
      socket.end(`${JSON.stringify(me)}\n`);
    });
    server.once('error', () => done({ ok: false }));
    server.listen(address, () => done({ ok: true, server }));
  });
}

function askHolder(address: string, timeoutMs: number): Promise<{ answered: boolean; holder: LockHolder | null }> {
  return new Promise((done) => {
    let text = '';
    let connected = false;
    const socket = connect(address);
    const finish = () => {
      socket.destroy();
      const parsed = lockHolderSchema.safeParse(safeJson(text.trim()));
      done({ answered: connected, holder: parsed.success ? parsed.data : null });
    };
    socket.setTimeout(timeoutMs, finish);
    socket.on('connect', () => (connected = true));
    socket.on('data', (chunk) => {
      text += chunk.toString('utf8');
      if (text.length > 1_000) finish();
    });
    socket.on('end', finish);
    socket.on('error', finish);
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Not JSON: the caller treats it as a holder it cannot name.
    return null;
  }
}

/** The operator-facing sentence for a refused start. */
export function describeHolder(dataDir: string, holder: LockHolder | null): string {
  const who = holder ? `${holder.program} (process ${holder.pid}, since ${holder.since})` : 'another process';
  return `The data folder ${resolve(dataDir)} is in use by ${who}. Only one station process may write to it; close that one first, or use a read-only command.`;
}
