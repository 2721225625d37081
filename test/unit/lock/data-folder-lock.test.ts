import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireDataFolderLock, describeHolder, lockAddress } from '../../../src/main/data-folder-lock';

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
    describe(platform === 'linux' ? 'abstract socket (Linux)' : 'socket file in the folder (macOS and others)', () => {
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
        // SIGKILL: the holder never cleaned up. The kernel released the socket; a socket file
        // left behind (macOS style) is recognised as stale.
        if (platform === 'darwin') expect(existsSync(lockAddress(dir, 'darwin'))).toBe(true);
        const after = await acquireDataFolderLock(dir, 'cli', { platform });
        expect(after.ok).toBe(true);
        if (after.ok) await after.release();
      });
    });
  }

  it('names the same Windows folder the same way whatever its case', () => {
    expect(lockAddress('C:\\Users\\Ana\\AppData\\Roaming\\Enrollment Station', 'win32')).toBe(
      lockAddress('c:\\users\\ana\\appdata\\roaming\\enrollment station', 'win32'),
    );
    expect(lockAddress('C:\\Data', 'win32')).toMatch(/^\\\\\.\\pipe\\enrollment-station-[0-9a-f]{32}$/);
  });

  it('says who holds the folder, or that someone does', () => {
    expect(describeHolder('/data', { pid: 42, program: 'station host', since: '2026-12-01T10:00:00.000Z' })).toBe(
      'The data folder /data is in use by station host (process 42, since 2026-12-01T10:00:00.000Z). Only one station process may write to it; close that one first, or use a read-only command.',
    );
    expect(describeHolder('/data', null)).toContain('in use by another process');
  });
});
