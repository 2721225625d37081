import { describe, expect, it, vi } from 'vitest';
import { reportFailure } from '../../src/main/common/report-failure';
import { fire } from '../../src/renderer/fire';

describe('handlers for promises nobody awaits', () => {
  it('main: reportFailure hands the failure and what failed to the reporter, and survives a failing reporter', async () => {
    const seen: [unknown, string][] = [];
    await Promise.reject(new Error('disk gone')).catch(reportFailure('journal: write queue', (err, what) => seen.push([err, what])));
    expect(seen).toEqual([[new Error('disk gone'), 'journal: write queue']]);
    const throwing = reportFailure('x', () => {
      throw new Error('reporter');
    });
    expect(() => throwing(new Error('y'))).not.toThrow();
  });

  it('main: by default a failure goes to stderr with what failed', async () => {
    const stderr = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    await Promise.reject(new Error('boom')).catch(reportFailure('outbox: attempt'));
    expect(stderr).toHaveBeenCalledWith('station: outbox: attempt failed:', new Error('boom'));
    stderr.mockRestore();
  });

  it('renderer: fire reports a rejection instead of leaving it unhandled', async () => {
    const stderr = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    fire(Promise.reject(new Error('lost')), 'request search');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(stderr).toHaveBeenCalledWith("The screens' request search failed:", new Error('lost'));
    stderr.mockRestore();
  });
});
