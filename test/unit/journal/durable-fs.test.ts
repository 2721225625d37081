import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { replaceFileDurably, replaceFileDurablyInBackground } from '../../../src/main/journal';
import { tempPathFor } from '../../../src/main/journal/durable-fs';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'durable-fs-test-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe.each([
  ['on the calling thread', async (path: string, data: Buffer) => replaceFileDurably(path, data)],
  ['in the background', replaceFileDurablyInBackground],
] as const)('replacing a file durably, %s', (_how, replace) => {
  it('creates the file owner-only, replaces it whole, and leaves no temp file', async () => {
    const path = join(dir, 'anchor');
    await replace(path, Buffer.from('first\n'));
    expect(readFileSync(path, 'utf8')).toBe('first\n');
    if (process.platform !== 'win32') expect(statSync(path).mode & 0o777).toBe(0o600);
    await replace(path, Buffer.from('second\n'));
    expect(readFileSync(path, 'utf8')).toBe('second\n');
    expect(existsSync(tempPathFor(path))).toBe(false);
  });

  it('overwrites a temp file an interrupted replace left behind', async () => {
    const path = join(dir, 'anchor');
    writeFileSync(tempPathFor(path), 'half a write');
    await replace(path, Buffer.from('whole\n'));
    expect(readFileSync(path, 'utf8')).toBe('whole\n');
    expect(existsSync(tempPathFor(path))).toBe(false);
  });

  it('fails with STORAGE_IO naming the file when the folder is gone, and leaves nothing behind', async () => {
    const path = join(dir, 'missing', 'anchor');
    await expect(Promise.resolve().then(() => replace(path, Buffer.from('x')))).rejects.toMatchObject({
      code: 'STORAGE_IO',
      details: { path, errno: 'ENOENT' },
    });
    expect(existsSync(join(dir, 'missing'))).toBe(false);
  });
});
