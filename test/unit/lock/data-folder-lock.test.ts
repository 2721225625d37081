import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireDataFolderLock, describeHolder, lockAddress } from '../../../src/main/runtime/data-folder-lock';

const HOLDER = join(import.meta.dirname, '../../support/hold-data-folder.ts');
const children: ChildProcess[] = [];
const dirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lock-'));
  dirs.push(dir);
  return dir;
}

/** Starts a holder process and resolves once it says it holds the folder. */
function holdInChild(dataDir: string, platform: NodeJS.Platform): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', HOLDER, dataDir, platform], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolveChild, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('held')) resolveChild(child);
      else reject(new Error(`holder said: ${chunk.toString()}`));
    });
    child.once('exit', (code) => reject(new Error(`holder exited with ${code}`)));
  });
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    child.once('exit', () => done());
    child.kill('SIGKILL');
  });
}

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('data folder lock', () => {
  for (const platform of ['linux', 'darwin'] as const) {
    describe(`socket file in the owner-only folder (${platform})`, () => {
      it('admits one holder; the second is told who holds the folder; release frees it', async () => {
        const dir = tempDir();
        const first = await acquireDataFolderLock(dir, 'desktop app', { platform });
        expect(first.ok).toBe(true);
        const second = await acquireDataFolderLock(dir, 'cli bind', { platform });
        expect(second).toEqual({ ok: false, holder: { pid: process.pid, program: 'desktop app', since: expect.any(String) } });
        // Another folder is another lock.
        const other = await acquireDataFolderLock(tempDir(), 'cli bind', { platform });
        expect(other.ok).toBe(true);
        if (first.ok) await first.release();
        if (other.ok) await other.release();
        const third = await acquireDataFolderLock(dir, 'cli bind', { platform });
        expect(third.ok).toBe(true);
        if (third.ok) await third.release();
      });

      it('refuses while another process holds it, and is free once that process is killed', async () => {
        const dir = tempDir();
        const child = await holdInChild(dir, platform);
        const refused = await acquireDataFolderLock(dir, 'cli', { platform });
        expect(refused).toEqual({ ok: false, holder: { pid: child.pid, program: 'test holder', since: expect.any(String) } });
        await killed(child);
        // SIGKILL: the holder never cleaned up. The kernel released the socket; the socket file
        // left behind is recognised as stale (nobody listens) and replaced.
        expect(existsSync(lockAddress(dir, platform))).toBe(true);
        const after = await acquireDataFolderLock(dir, 'cli', { platform });
        expect(after.ok).toBe(true);
        if (after.ok) await after.release();
      });
    });
  }

  it('after a killed holder, of several processes starting at once exactly one takes the stale lock', async () => {
    const dir = tempDir();
    await killed(await holdInChild(dir, 'linux'));
    for (let round = 0; round < 5; round += 1) {
      const attempts = await Promise.all([1, 2, 3, 4].map((n) => acquireDataFolderLock(dir, `contender ${n}`, { platform: 'linux' })));
      const winners = attempts.filter((attempt) => attempt.ok);
      expect(winners).toHaveLength(1);
      for (const attempt of attempts) if (!attempt.ok) expect(attempt.holder?.program ?? 'unnamed').toMatch(/^contender \d|unnamed/);
      const winner = winners[0];
      if (winner?.ok) await winner.release();
      // Next round: again a socket file left by a killed holder.
      await killed(await holdInChild(dir, 'linux'));
    }
  });

  it('a folder that refuses the socket is a storage error, not "in use"', async () => {
    const dir = tempDir();
    const long = join(dir, 'x'.repeat(120));
    await expect(acquireDataFolderLock(long, 'cli', { platform: 'linux' })).rejects.toMatchObject({ code: 'STORAGE_IO' });
  });

  it('lives inside the data folder on every platform, which it keeps owner-only', async () => {
    const dir = tempDir();
    expect(lockAddress(dir, 'linux')).toBe(join(dir, '.station-lock.sock'));
    expect(lockAddress(dir, 'darwin')).toBe(join(dir, '.station-lock.sock'));
    expect(lockAddress('C:\\Data', 'win32')).toMatch(/\.station\.lock$/);
    const data = join(dir, 'data');
    const attempt = await acquireDataFolderLock(data, 'cli', { platform: 'linux' });
    expect(statSync(data).mode & 0o777).toBe(0o700);
    if (attempt.ok) await attempt.release();
  });

  it('another local user cannot block the station: not with the old name, not in the folder', async () => {
    if (process.getuid?.() !== 0) throw new Error('this test starts a process as nobody (uid 65534): run it as root, as CI does');
    const dir = tempDir();
    // The name every version before issue 18 used, which anyone could compute from the path.
    const oldName = `enrollment-station-${createHash('sha256').update(dir).digest('hex').slice(0, 32)}`;
    const squatter = spawn(process.execPath, ['-e', SQUATTER, oldName, lockAddress(dir, 'linux')], {
      uid: 65534,
      gid: 65534,
      cwd: '/',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(squatter);
    const report = await new Promise<string>((done, reject) => {
      squatter.stdout?.once('data', (chunk: Buffer) => done(chunk.toString().trim()));
      squatter.once('exit', (code) => reject(new Error(`squatter exited with ${code}`)));
    });
    // nobody holds the old name, and cannot create, nor even reach, the socket in the folder.
    expect(JSON.parse(report)).toEqual({ oldName: 'listening', inFolder: 'EACCES', connect: 'EACCES' });
    const attempt = await acquireDataFolderLock(dir, 'desktop app', { platform: 'linux' });
    expect(attempt.ok).toBe(true);
    if (attempt.ok) await attempt.release();
  });

  it('says who holds the folder, or that someone does', () => {
    expect(describeHolder('/data', { pid: 42, program: 'station host', since: '2026-12-01T10:00:00.000Z' })).toBe(
      'The data folder /data is in use by station host (process 42, since 2026-12-01T10:00:00.000Z). Only one station process may write to it; close that one first, or use a read-only command.',
    );
    expect(describeHolder('/data', null)).toContain('in use by another process');
  });
});

/** Run as nobody: listens on the old abstract name (the NUL is added here: argv cannot carry it), then tries the lock socket in the data folder. */
const SQUATTER = `
const net = require('node:net');
const [oldName, inFolder] = process.argv.slice(1);
const squat = net.createServer((c) => c.end('{"pid":1,"program":"squatter","since":"x","instance":"x"}\\n'));
squat.listen('\\0' + oldName, () => {
  const second = net.createServer();
  second.once('error', (bindError) => {
    const client = net.connect(inFolder);
    client.once('error', (connectError) => console.log(JSON.stringify({ oldName: 'listening', inFolder: bindError.code, connect: connectError.code })));
    client.once('connect', () => console.log(JSON.stringify({ oldName: 'listening', inFolder: bindError.code, connect: 'connected' })));
  });
  second.listen(inFolder, () => console.log(JSON.stringify({ oldName: 'listening', inFolder: 'listening' })));
});
setInterval(() => undefined, 60000);
`;
