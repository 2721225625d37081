import { describe, expect, it } from 'vitest';
import { call, dispatch } from '../../../src/main/station/dispatch';
import { createMemoryLog } from '../../../src/main/log';
import { createRendererErrorReporter, RENDERER_ERRORS_PER_MINUTE } from '../../../src/main/log/renderer-errors';
import { startTestStation } from '../../support/test-station';

describe('renderer errors reach the diagnostic log through the contract', () => {
  it('diagnostics.reportError lands in the station log; an oversized or unknown report is refused', async () => {
    const log = createMemoryLog();
    const t = await startTestStation({ log });
    try {
      const answer = await call(t.station.handlers, 'diagnostics.reportError', {
        source: 'unhandled-rejection',
        message: 'boom',
        stack: 'Error: boom\n    at x',
      });
      expect(answer).toEqual({ accepted: true });
      expect(log.entries).toContainEqual({
        level: 'warn',
        event: 'renderer.error',
        source: 'unhandled-rejection',
        message: 'boom',
        stack: 'Error: boom\n    at x',
      });
      const count = log.entries.length;
      for (const bad of [
        { source: 'window-error', message: 'x'.repeat(2049) },
        { source: 'window-error', message: 'x', stack: 'y'.repeat(8193) },
        { source: 'somewhere', message: 'x' },
        { source: 'window-error', message: 'x', path: '/etc/passwd' },
      ]) {
        await expect(dispatch(t.station.handlers, 'diagnostics.reportError', bad)).resolves.toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
      }
      expect(log.entries.filter((e) => e.event === 'renderer.error')).toHaveLength(1);
      expect(log.entries.length).toBeGreaterThanOrEqual(count);
    } finally {
      await t.close();
    }
  });

  it('a flood is cut to the limit per minute, and what was dropped is counted once the minute is over', () => {
    const log = createMemoryLog();
    let now = Date.parse('2026-12-01T10:00:00Z');
    const report = createRendererErrorReporter(log, () => new Date(now));
    const answers = Array.from({ length: 100 }, (_, i) => report({ source: 'window-error', message: `loop ${i}` }).accepted);
    expect(answers.filter(Boolean)).toHaveLength(RENDERER_ERRORS_PER_MINUTE);
    expect(answers.slice(0, RENDERER_ERRORS_PER_MINUTE).every(Boolean)).toBe(true);
    expect(log.entries.filter((e) => e.event === 'renderer.error')).toHaveLength(RENDERER_ERRORS_PER_MINUTE);
    now += 59_000;
    expect(report({ source: 'window-error', message: 'still the same minute' }).accepted).toBe(false);
    now += 1_000;
    expect(report({ source: 'window-error', message: 'a new minute' }).accepted).toBe(true);
    expect(log.entries).toContainEqual({ level: 'warn', event: 'renderer.errors-dropped', dropped: 81, perMinute: RENDERER_ERRORS_PER_MINUTE });
    expect(log.entries.at(-1)).toMatchObject({ event: 'renderer.error', message: 'a new minute' });
  });
});
