import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedGuid, startCmSimulator, type CmSimulator } from '../../../src/main/training/cm-sim';
import { testTempDir } from '../../support/temp-dir';

let sim: CmSimulator;
beforeAll(async () => {
  sim = await startCmSimulator({ host: '127.0.0.1', port: 0 });
});
afterAll(() => sim.close());

/**
 * Runs the CLI exactly as `npm run station --` does, in its own process. Asynchronously: the
 * simulator answers from this process's event loop, which a synchronous spawn would block.
 */
function station(args: string[], dataDir: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const argv = ['--import', 'tsx', 'src/main/cli/station.ts', ...args, '--data-dir', dataDir, '--policy', join(dataDir, 'no-policy.json')];
  return new Promise((resolve) => {
    execFile(process.execPath, argv, { encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}
const fresh = () => testTempDir('cli-');

/** The seeded replacement request and the Active card it replaces (see cm-sim/seed.ts). */
function replacement() {
  const request = sim.admin.state().requests.find((r) => r.OldSmartcardUuid !== '00000000-0000-0000-0000-000000000000' && r.Status === 3);
  if (!request) throw new Error('the simulator seed has no approved replacement request');
  return { request: request.Uuid, smartcard: request.OldSmartcardUuid };
}
const puts = (smartcard: string) => sim.admin.received().filter((r) => r.method === 'PUT' && r.path.toLowerCase().includes(smartcard.toLowerCase()));

describe('npm run station', { timeout: 60_000 }, () => {
  it('retires a card (exit 0), sending PUT with {"status":"Retired"}; again is still done', async () => {
    const { request, smartcard } = replacement();
    const dir = fresh();
    const first = await station(['retire', '--request', request, '--smartcard', smartcard, '--cm-url', sim.baseUrl, '--json'], dir);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ exitCode: 0, result: { kind: 'retire', state: 'done' } });
    expect(puts(smartcard)).toHaveLength(1);
    expect(JSON.parse(puts(smartcard)[0]!.body ?? '')).toEqual({ status: 'Retired' });
    expect(sim.admin.state().smartcards.find((c) => c.Uuid === smartcard)?.Status).toBe(6);

    const again = await station(['retire', '--request', request, '--smartcard', smartcard, '--cm-url', sim.baseUrl], dir);
    expect(again.code, again.stderr).toBe(0);
  });

  it('queues when CM is unreachable (exit 4), then replays it exactly once when CM answers', async () => {
    sim.admin.reset();
    const { request, smartcard } = replacement();
    const dir = fresh();
    const offline = await station(
      ['retire', '--request', request, '--smartcard', smartcard, '--cm-url', 'http://127.0.0.1:9/CertificateManagement/api/v1.0/'],
      dir,
    );
    expect(offline.code, offline.stderr).toBe(4);
    const listed = await station(['outbox', 'list', '--json'], dir);
    expect(JSON.parse(listed.stdout).result).toMatchObject([{ kind: 'retire', state: 'pending' }]);
    expect(puts(smartcard)).toHaveLength(0);

    const replay = await station(['outbox', 'replay', '--cm-url', sim.baseUrl], dir);
    expect(replay.code, replay.stderr).toBe(0);
    expect(puts(smartcard)).toHaveLength(1);
    const again = await station(['outbox', 'replay', '--cm-url', sim.baseUrl], dir);
    expect(again.code).toBe(0);
    expect(puts(smartcard)).toHaveLength(1);
  });

  it('refuses bad input with exit 2 before touching anything', async () => {
    const dir = fresh();
    expect((await station(['retire', '--request', seedGuid('x')], dir)).code).toBe(2);
    expect((await station(['frobnicate'], dir)).code).toBe(2);
    expect((await station(['retire', '--nonsense'], dir)).code).toBe(2);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('exits 3 when CM refuses (403)', async () => {
    sim.admin.reset();
    sim.admin.setFaults([{ fault: { kind: 'forbidden' } }]);
    const { request, smartcard } = replacement();
    const refused = await station(['retire', '--request', request, '--smartcard', smartcard, '--cm-url', sim.baseUrl, '--json'], fresh());
    sim.admin.clearFaults();
    expect(refused.code, refused.stderr).toBe(3);
    expect(JSON.parse(refused.stdout).result).toMatchObject({ state: 'needs-attention', lastError: { code: 'CM_FORBIDDEN' } });
  });

  it('exits 5 when the reader has no card', async () => {
    const r = await station(['bind', '--reader', 'No Such Reader', '--request', seedGuid('x'), '--cm-url', sim.baseUrl, '--wait', '1'], fresh());
    expect(r.code, r.stderr).toBe(5);
  });

  it('exports the audit log as CSV', async () => {
    const dir = fresh();
    const { request, smartcard } = replacement();
    await station(['retire', '--request', request, '--smartcard', smartcard, '--cm-url', sim.baseUrl], dir);
    const out = join(dir, 'audit.csv');
    const r = await station(['audit', 'export', '--out', out], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(out)).toBe(true);
    const lines = readFileSync(out, 'utf8').trim().split(/\r?\n/);
    expect(lines[0]).toMatch(/^at,actor,action,result,/);
    expect(lines.some((l) => l.includes('retire.requested') && l.includes(smartcard))).toBe(true);
  });

  it('is refused the data folder while another station process writes it (exit 2, naming it); read-only commands still run', async () => {
    const dir = fresh();
    // What a running desktop app or host looks like to the CLI: a process holding the folder's lock.
    const holder: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'test/support/hold-data-folder.ts', dir, process.platform], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout?.once('data', (chunk: Buffer) => (String(chunk).includes('held') ? resolve() : reject(new Error(String(chunk)))));
        holder.once('exit', (code) => reject(new Error(`holder exited ${code}`)));
      });
      const refused = await station(['outbox', 'list', '--json'], dir);
      expect(refused.code, refused.stderr).toBe(2);
      const out = JSON.parse(refused.stdout) as { result: { error: { code: string; message: string } } };
      expect(out.result.error.code).toBe('DATA_FOLDER_IN_USE');
      expect(out.result.error.message).toContain(`test holder (process ${holder.pid}`);
      // Nothing was created or changed in the folder by the refused process: only the holder's lock is there.
      expect(readdirSync(dir)).toEqual(['.station-lock.sock']);
      // Read-only: the audit check reads the files without taking the folder.
      const verify = await station(['audit', 'verify', '--json'], dir);
      expect(JSON.parse(verify.stdout).result?.error?.code).not.toBe('DATA_FOLDER_IN_USE');
    } finally {
      holder.kill('SIGKILL');
    }
    // Once the holder is gone (even killed), the folder is free again.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const after = await station(['outbox', 'list', '--json'], dir);
    expect(after.code, after.stderr).toBe(0);
  });
});
