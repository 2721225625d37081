import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';

/** Removes a folder and all in it; nothing when it is already gone. */
export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * A new folder in the temp directory, removed with all in it when the running test finishes
 * (passed or failed). Call it inside a test or a beforeEach; for a folder that several tests share,
 * make it in beforeAll and remove it with removeDir in afterAll.
 */
export function testTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onTestFinished(() => removeDir(dir));
  return dir;
}
