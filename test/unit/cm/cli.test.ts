import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { fastClient, tempDir } from './harness';

const ROOT = join(import.meta.dirname, '..', '..', '..');

describe('cm-sim CLI', () => {
  it('prints a working base URL first, keeps its data file, stops on SIGTERM', { timeout: 30_000 }, async () => {
    const dataFile = join(await tempDir(), 'cm.json');
    const child = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), ['src/main/cli/cm-sim.ts', '--port', '0', '--data', dataFile], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = once(child, 'exit');
    try {
      const lines = createInterface({ input: child.stdout });
      const [firstLine] = (await once(lines, 'line')) as [string];
      expect(firstLine).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/CertificateManagement\/api\/v1\.0\/$/);
      const { client } = fastClient(firstLine);
      expect(await client.listProfileTemplates()).toHaveLength(5); // 4 training templates + the one of the Microsoft examples
      expect(existsSync(dataFile)).toBe(true);
    } finally {
      child.kill('SIGTERM');
    }
    const [code, signal] = (await exited) as [number | null, NodeJS.Signals | null];
    expect({ code, signal }).toEqual({ code: 0, signal: null });
  });

  it('rejects a bad port with a message and exit code 1', { timeout: 30_000 }, async () => {
    const child = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), ['src/main/cli/cm-sim.ts', '--port', 'abc'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(1);
    expect(stderr).toMatch(/--port must be/);
  });
});
