import { describe, expect, it } from 'vitest';
import type { ConnectionState } from '../../src/shared/contract';
import { createSettingsService, NO_POLICY, type SettingsStore } from '../../src/main/config';
import { createConnectivity } from '../../src/main/connectivity';
import { createMemoryLog, listenerErrorsTo } from '../../src/main/log';

// Each event source hands its events to a listener set: one listener that throws is reported to the
// diagnostic log (the file the packaged app keeps, not stderr) and the others still hear the event;
// the source itself carries on.

const failing = () => {
  throw new Error('listener bug');
};

describe('listener isolation in the event sources', () => {
  it('settings: a throwing listener neither fails the update nor silences the next listener', () => {
    let saved: unknown;
    const store: SettingsStore = { get: () => saved, set: (v) => void (saved = v), setAside: () => 'aside' };
    const log = createMemoryLog();
    const service = createSettingsService({ onListenerError: listenerErrorsTo(log), policy: NO_POLICY, store });
    const heard: string[] = [];
    service.subscribe(failing);
    service.subscribe((view) => heard.push(view.values.locale));
    expect(service.update({ locale: 'fr' }).values.locale).toBe('fr');
    expect(heard).toEqual(['fr']);
    expect(log.entries).toEqual([{ level: 'error', event: 'listener.failed', source: 'settings', errorCode: 'Error', errorMessage: 'listener bug' }]);
  });

  it('connectivity: a throwing listener does not stop the next one from hearing CM go away', async () => {
    const log = createMemoryLog();
    const connectivity = createConnectivity({
      onListenerError: listenerErrorsTo(log),
      baseUrl: 'http://cm.invalid/',
      transport: () => Promise.reject(new TypeError('fetch failed')),
      now: () => new Date(0),
      probeIntervalMs: 60_000,
      probe: () => Promise.resolve(),
    });
    const heard: ConnectionState['mode'][] = [];
    connectivity.subscribe(failing);
    connectivity.subscribe((state) => heard.push(state.mode));
    await expect(connectivity.transport('http://cm.invalid/x', { method: 'GET', headers: {}, signal: new AbortController().signal })).rejects.toThrow(
      'fetch failed',
    );
    expect(heard).toEqual(['offline']);
    expect(connectivity.state().mode).toBe('offline');
    expect(log.entries).toEqual([{ level: 'error', event: 'listener.failed', source: 'connectivity', errorCode: 'Error', errorMessage: 'listener bug' }]);
    connectivity.close();
  });
});
