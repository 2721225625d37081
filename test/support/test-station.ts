import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeFetchTransport } from '../../src/main/cm';
import { createConfSettingsStore, createSettingsService, NO_POLICY } from '../../src/main/config';
import { withCmUrl } from '../../src/main/runtime/settings-overrides';
import { createStation, type Station, type StationDeps } from '../../src/main/station/station';
import { startCmSimulator, type CmSimulator, type CmSimulatorOptions } from '../../src/main/training/cm-sim';
import type { SettingKey, Settings } from '../../src/shared/settings';
import { createSimulatedPcsc, type SimulatedPcsc } from '../../src/main/training';
import { reportListenerErrorToStderr } from '../../src/main/common';

export interface TestStation {
  station: Station;
  readers: SimulatedPcsc;
  cm: CmSimulator;
  dataDir: string;
  close(): Promise<void>;
}

export const TEST_READERS = ['Reader A', 'Reader B'] as const;

/**
 * A whole station for tests of the layers above PC/SC: training's simulated readers (the PC/SC
 * layer itself is tested against real pcscd in test/integration), the CM simulator over real HTTP
 * on loopback, and real files in a temporary folder.
 */
export async function startTestStation(
  overrides: Partial<StationDeps> = {},
  options: { sim?: CmSimulatorOptions; policy?: Partial<Settings> } = {},
): Promise<TestStation> {
  // `overrides.dataDir`: a folder the caller owns (kept at close, e.g. to start a second station on
  // it); the settings file lives in it too, as in a station.
  const callersDir = overrides.dataDir;
  const dataDir = callersDir ?? mkdtempSync(join(tmpdir(), 'station-'));
  const cm = await startCmSimulator({ host: '127.0.0.1', port: 0, ...options.sim });
  const readers = createSimulatedPcsc(TEST_READERS);
  const settings = createSettingsService({
    onListenerError: reportListenerErrorToStderr,
    // Machine policy as IT would deploy it (e.g. requestTypeNumbers): its keys are mandatory; none by default.
    policy:
      options.policy === undefined
        ? NO_POLICY
        : { status: 'ok', source: 'test-policy.json', channel: 'development', values: options.policy, locked: Object.keys(options.policy) as SettingKey[] },
    store: createConfSettingsStore({ dataDir }),
  });
  const station = await createStation({
    version: '0.0.0-test',
    training: false,
    now: () => new Date(),
    random: Math.random,
    actor: 'tester',
    dataDir,
    defaultExportDir: join(dataDir, 'exports'),
    pcsc: { binding: readers.binding, probe: readers.probe },
    cmTransport: nodeFetchTransport,
    // The simulator speaks plain HTTP on loopback; settings accept only https, as for a real CM.
    settings: withCmUrl(settings, cm.baseUrl),
    tuning: { probeIntervalMs: 200, backoff: { baseMs: 50, maxMs: 500, jitter: 0 }, getRetries: 0 },
    ...overrides,
  });
  return {
    station,
    readers,
    cm,
    dataDir,
    async close() {
      try {
        try {
          await station.close();
        } finally {
          await cm.close();
        }
      } finally {
        if (callersDir === undefined) rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}
