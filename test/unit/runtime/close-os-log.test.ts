// A real station's close: station.stop is queued for the OS log, and close waits for it to be written
// (bounded) before the process may end, so the fleet view sees every station stop.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createConfSettingsStore } from '../../../src/main/config';
import { createQueuedSink, type OsLogEvent } from '../../../src/main/os-log';
import { startStation } from '../../../src/main/runtime';
import { createSimulatedPcsc } from '../../../src/main/training';
import { testTempDir } from '../../support/temp-dir';

describe('closing a real station', () => {
  it('waits for station.stop to reach the OS log, whose writer is slow', async () => {
    const dir = testTempDir('close-os-log-');
    const written: string[] = [];
    // Each write takes 50 ms, as a busy `logger` or eventcreate might.
    const sink = createQueuedSink('syslog', 'test', async (event: OsLogEvent) => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      written.push(event.name);
    });
    const readers = createSimulatedPcsc(['Reader A']);
    const runtime = await startStation({
      program: 'close-os-log test',
      version: '0',
      actor: 'operator',
      dataDir: dir,
      defaultExportDir: join(dir, 'exports'),
      policy: { from: 'given', policy: { status: 'none', source: null, channel: null } },
      settingsStore: createConfSettingsStore({ dataDir: dir }),
      cmTransport: () => Promise.reject(new Error('no CM here')),
      realPcsc: () => ({ binding: readers.binding, probe: readers.probe }),
      mode: 'real',
      osLog: sink,
    });
    await runtime.close();
    expect(written.at(-1)).toBe('station.stop');
    expect(written[0]).toBe('station.start');
    expect(sink.status()).toMatchObject({ queued: 0, failed: 0 });
  });
});
