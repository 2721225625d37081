// A machine policy IT got wrong (here: a reader pattern written as a regular expression, which once
// stopped the reader monitor and the station with it) starts the station in its safe state: running,
// readers listed, no CM, every setting managed, and the exact problem for the Settings and
// Diagnostics screens. The desktop app's start is the same startStation with the OS channel's
// policy (test/unit/security/compiled-shell.test.ts drives that path with a policy document too).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createConfSettingsStore, parseJsonPolicy } from '../../../src/main/config';
import { call } from '../../../src/main/station/dispatch';
import { createNoOsLog } from '../../../src/main/os-log';
import { startStation, type StationRuntime } from '../../../src/main/runtime';
import { createSimulatedPcsc } from '../../../src/main/training';

let runtime: StationRuntime | null = null;
let dir = '';
afterEach(async () => {
  await runtime?.close();
  runtime = null;
  rmSync(dir, { recursive: true, force: true });
});

describe('a machine policy with an invalid reader pattern', () => {
  it('starts the station in its safe state, readers listed, the problem named for the screens', async () => {
    dir = mkdtempSync(join(tmpdir(), 'bad-policy-'));
    const policy = parseJsonPolicy(
      Buffer.from(JSON.stringify({ cmBaseUrl: 'https://cm.contoso.com/CertificateManagement/api/v1.0/', readerExclude: ['/(unclosed/'] })),
      '/etc/enrollment-station/policy.json',
      'linux-etc',
    );
    expect(policy.status).toBe('invalid');
    const readers = createSimulatedPcsc(['Reader A', 'Reader B']);
    runtime = await startStation({
      program: 'invalid-policy test',
      version: '0',
      actor: 'operator',
      dataDir: dir,
      defaultExportDir: join(dir, 'exports'),
      policy: { from: 'given', policy },
      settingsStore: createConfSettingsStore({ dataDir: dir }),
      cmTransport: () => Promise.reject(new Error('no CM call may start while the policy is invalid')),
      realPcsc: () => ({ binding: readers.binding, probe: readers.probe }),
      // Real mode: the fleet view's copy stays out of this machine's syslog.
      osLog: createNoOsLog('test'),
    });
    const snapshot = await call(runtime.station.handlers, 'station.snapshot', {});
    expect(snapshot.settings.policy).toMatchObject({ status: 'invalid', source: '/etc/enrollment-station/policy.json' });
    expect(snapshot.settings.policy.problems).toEqual([expect.stringMatching(/^readerExclude\[0\]: .*looks like a regular expression/)]);
    // Safe: no CM address, not training, every key read-only.
    expect(snapshot.settings.values).toMatchObject({ cmBaseUrl: '', trainingMode: false });
    expect(Object.values(snapshot.settings.managed).every(Boolean)).toBe(true);
    expect(snapshot.connection).toEqual({ mode: 'unconfigured' });
    // Running: the readers are watched, unfiltered by the refused value.
    await expect.poll(async () => (await call(runtime!.station.handlers, 'readers.list', {})).readers.map((r) => r.name)).toEqual(['Reader A', 'Reader B']);
  });
});
