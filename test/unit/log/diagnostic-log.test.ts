import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDiagnosticLog, createMemoryLog, createStderrLog, redactCardId } from '../../../src/main/log';
import { StationError } from '../../../src/shared/errors';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'log-'));
  dirs.push(dir);
  return join(dir, 'logs');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function readLines(dir: string): Record<string, unknown>[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .sort()
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('diagnostic log', () => {
  it('writes JSON lines with level names, time and event; card ids shortened, people and bodies dropped', async () => {
    const dir = tempDir();
    const log = await createDiagnosticLog({ dir });
    log.info('cm.call', { method: 'POST', route: 'smartcards', status: 201, latencyMs: 12, cardId: 'BC88F13F-83BA-4037-8262-46EBA1291C6E' });
    log.warn('cm.call', { route: 'requests/{id}', displayName: 'Dana Scully', body: '{"requestid":"x"}' });
    log.error('journal.repair', new StationError('STORAGE_CORRUPT', 'torn tail cut at 4096'), { file: 'outbox.journal' });
    await log.close();
    const [first, second, third] = readLines(dir);
    expect(first).toMatchObject({ level: 'info', event: 'cm.call', method: 'POST', status: 201, cardId: '…1c6e', pid: process.pid });
    expect(typeof first?.time).toBe('string');
    expect(JSON.stringify(first)).not.toContain('83ba');
    expect(second).toEqual(expect.objectContaining({ level: 'warn', route: 'requests/{id}' }));
    expect(second).not.toHaveProperty('displayName');
    expect(second).not.toHaveProperty('body');
    expect(third).toMatchObject({ level: 'error', errorCode: 'STORAGE_CORRUPT', errorMessage: 'torn tail cut at 4096' });
  });

  it('rotates by size and keeps only the configured number of files, owner-only', async () => {
    const dir = tempDir();
    const log = await createDiagnosticLog({ dir, maxFileBytes: 2_000, keepFiles: 2 });
    for (let i = 0; i < 400; i++) {
      log.info('outbox.transition', { operation: `op-${i}`, from: 'pending', to: 'sending' });
      // Rotation happens when the stream drains: give it the chance a real station's pauses give.
      if (i % 20 === 19) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await log.close();
    await expect.poll(() => readdirSync(dir).filter((f) => f.endsWith('.log')).length).toBeLessThanOrEqual(3);
    const files = readdirSync(dir).filter((f) => f.endsWith('.log'));
    expect(files.length).toBeGreaterThanOrEqual(2);
    const lines = readLines(dir);
    // The newest entries survive rotation, the oldest are gone.
    expect(lines.at(-1)).toMatchObject({ operation: 'op-399' });
    expect(lines.some((l) => l.operation === 'op-0')).toBe(false);
    for (const file of files) expect(statSync(join(dir, file)).mode & 0o077).toBe(0);
    expect(statSync(dir).mode & 0o077).toBe(0);
  });

  it('continues the newest file after a restart instead of starting over', async () => {
    const dir = tempDir();
    const first = await createDiagnosticLog({ dir });
    first.info('station.start', { version: '0.1.0' });
    await first.close();
    const second = await createDiagnosticLog({ dir });
    second.info('station.start', { version: '0.1.1' });
    await second.close();
    expect(readLines(dir).map((l) => l.version)).toEqual(['0.1.0', '0.1.1']);
  });

  it('memory log applies the same redaction', () => {
    const log = createMemoryLog();
    log.info('card.read', { cardId: '04a1b2c3d4', user: 'ana' });
    expect(log.entries).toEqual([{ level: 'info', event: 'card.read', cardId: '…c3d4' }]);
    expect(redactCardId('ab')).toBe('…');
  });

  it('stderr log (and a file log after close): warnings and errors as redacted JSON lines, routine entries not printed', async () => {
    const stderr = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const dir = tempDir();
      const file = await createDiagnosticLog({ dir });
      await file.close();
      for (const log of [createStderrLog(), file]) {
        log.info('card.read', { cardId: '04a1b2c3d4' });
        log.warn('cm.call', { cardId: '04a1b2c3d4', body: '{}' });
        log.error('journal.repair', new StationError('STORAGE_CORRUPT', 'torn'), { file: 'outbox.journal' });
      }
      const printed = stderr.mock.calls.map(([line]) => JSON.parse(line as string) as unknown);
      const expected = [
        { level: 'warn', event: 'cm.call', cardId: '…c3d4' },
        { level: 'error', event: 'journal.repair', file: 'outbox.journal', errorCode: 'STORAGE_CORRUPT', errorMessage: 'torn' },
      ];
      expect(printed).toEqual([...expected, ...expected]);
      expect(readLines(dir)).toEqual([]);
    } finally {
      stderr.mockRestore();
    }
  });
});
