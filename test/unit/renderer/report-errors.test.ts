import { describe, expect, it } from 'vitest';
import type { StationClient } from '../../../src/renderer/client';
import { reportError, reportUncaughtErrors } from '../../../src/renderer/report-errors';

function recordingClient(fail = false) {
  const calls: { channel: string; request: unknown }[] = [];
  const client = {
    call: async (channel: string, request: unknown) => {
      calls.push({ channel, request });
      if (fail) throw new Error('the station is gone');
      return { accepted: true };
    },
  } as unknown as StationClient;
  return { client, calls };
}

describe('renderer error reports', () => {
  it('sends window errors and unhandled rejections to diagnostics.reportError', () => {
    const { client, calls } = recordingClient();
    const target = new EventTarget() as unknown as Window;
    reportUncaughtErrors(client, target);
    target.dispatchEvent(Object.assign(new Event('error'), { error: new Error('render failed'), message: 'render failed' }));
    target.dispatchEvent(Object.assign(new Event('unhandledrejection'), { reason: 'plain text reason' }));
    expect(calls.map((c) => c.channel)).toEqual(['diagnostics.reportError', 'diagnostics.reportError']);
    expect(calls[0]!.request).toMatchObject({ source: 'window-error', message: 'render failed', stack: expect.stringContaining('render failed') });
    expect(calls[1]!.request).toEqual({ source: 'unhandled-rejection', message: 'plain text reason' });
  });

  it('cuts a report to the contract bounds instead of losing it, and never throws when the station is gone', async () => {
    const { client, calls } = recordingClient(true);
    const error = new Error('m'.repeat(5000));
    error.stack = 's'.repeat(20_000);
    expect(() => reportError(client, 'error-boundary', error)).not.toThrow();
    await Promise.resolve();
    const sent = calls[0]!.request as { message: string; stack: string };
    expect(sent.message).toHaveLength(2048);
    expect(sent.stack).toHaveLength(8192);
  });
});
