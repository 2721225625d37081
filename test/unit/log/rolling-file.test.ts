// The diagnostic log's file writer when its file cannot be opened: lines meanwhile are lost and
// reported, and the file is tried again after REOPEN_AFTER_MS, so the log comes back without a restart.
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openRollingFile, REOPEN_AFTER_MS } from '../../../src/main/log/rolling-file';
import { testTempDir } from '../../support/temp-dir';

/** A rolling file whose first file is a folder (open() fails as on a disk that refuses the file), on a clock the test moves. */
async function refusedFile() {
  const dir = testTempDir('rolling-');
  const path = join(dir, 'station.1.log');
  mkdirSync(path);
  const clock = { now: 1_000 };
  const errors: unknown[] = [];
  const file = await openRollingFile({
    dir,
    basename: 'station',
    maxFileBytes: 1 << 20,
    keepFiles: 2,
    mode: 0o600,
    onError: (err) => errors.push(err),
    now: () => clock.now,
  });
  return { path, clock, errors, file };
}

describe('rolling file: a file that cannot be opened', () => {
  it('is tried again once REOPEN_AFTER_MS has passed since the failure, not on every line', async () => {
    const { path, clock, errors, file } = await refusedFile();
    expect(errors).toHaveLength(1);

    // Before the wait is over a line does not try the file again: a try would have failed (a second
    // error) or, once the folder is gone, written the line (the file's content below).
    file.write('lost while the disk refuses\n');
    clock.now += REOPEN_AFTER_MS - 1;
    file.write('still lost: too soon to try again\n');

    // The disk is back; the first line after the wait opens the file; one written meanwhile follows it.
    rmSync(path, { recursive: true });
    clock.now += 1;
    file.write('the log is back\n');
    file.write('and stays\n');
    await file.close();
    expect(errors).toHaveLength(1);
    expect(readFileSync(path, 'utf8')).toBe('the log is back\nand stays\n');
  });

  it('reports a second failure once, and waits again before the next try', async () => {
    const { clock, errors, file } = await refusedFile();
    clock.now += REOPEN_AFTER_MS;
    file.write('a\n');
    // Written while that second try is under way: after it fails, too soon for a third.
    file.write('b\n');
    await file.close();
    expect(errors).toHaveLength(2);
  });
});
