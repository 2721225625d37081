import { act } from '@testing-library/react';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClient } from '../../../src/renderer/client';
import { initI18n } from '../../../src/renderer/i18n';
import { connectStore, disconnectStore, issuanceCall, selectReader, useStation } from '../../../src/renderer/store';
import type { StationBridge } from '../../../src/shared/contract';
import { OTHER_READER, READER, readersWithCard, snapshot } from './support/fixtures';
import { offer, pinEntry, running } from './support/issuance-fixtures';
import { resetStore, scriptedStation } from './support/station';

beforeAll(() => initI18n());
beforeEach(() => resetStore());

/** The scripted station's bridge, counting the subscriptions still open. */
function counted(handlers: Parameters<typeof scriptedStation>[0]) {
  const station = scriptedStation(handlers);
  let open = 0;
  const bridge: StationBridge = {
    invoke: station.bridge.invoke,
    on(event, listener) {
      open += 1;
      const off = station.bridge.on(event, listener);
      let done = false;
      return () => {
        if (!done) open -= 1;
        done = true;
        off();
      };
    },
  };
  return { station, bridge, open: () => open };
}

describe('store: issuance', () => {
  it('subscribes to issuance.changed before the snapshot, takes issuance[] from it, and ends every subscription as a group', async () => {
    const first = counted({ 'station.snapshot': () => snapshot({ issuance: [offer()] }), 'outbox.list': () => [] });
    await act(() => connectStore(createClient(first.bridge)));
    expect(first.station.order.indexOf('on:issuance.changed')).toBeLessThan(first.station.order.indexOf('invoke:station.snapshot'));
    expect(useStation.getState().issuance[READER]?.phase).toBe('offer');
    expect(first.open()).toBeGreaterThan(0);

    // A second connection first ends the first one's subscriptions: no event from the old bridge lands.
    const second = counted({ 'station.snapshot': () => snapshot(), 'outbox.list': () => [] });
    await act(() => connectStore(createClient(second.bridge)));
    expect(first.open()).toBe(0);
    first.station.fire('issuance.changed', running('bind'));
    expect(useStation.getState().issuance[READER]).toBeUndefined();
    second.station.fire('issuance.changed', running('bind'));
    expect(useStation.getState().issuance[READER]?.phase).toBe('running');

    disconnectStore();
    expect(second.open()).toBe(0);
  });

  it('a call reply does not overwrite a newer issuance.changed for the same reader', async () => {
    const { station, bridge } = counted({ 'station.snapshot': () => snapshot(), 'outbox.list': () => [] });
    await act(() => connectStore(createClient(bridge)));
    let release: () => void = () => undefined;
    const reply = new Promise<ReturnType<typeof running>>((resolve) => (release = () => resolve(running('admin-auth'))));
    const call = issuanceCall(READER, () => reply);
    station.fire('issuance.changed', running('generate-keys'));
    release();
    await act(() => call);
    const state = useStation.getState().issuance[READER];
    expect(state?.phase === 'running' && state.steps.find((s) => s.status === 'running')?.step).toBe('generate-keys');
  });

  it('a card in another reader does not take the screen away from an issuance; leaving the hand-over focuses the reader again', async () => {
    const { station, bridge } = counted({ 'station.snapshot': () => snapshot(), 'outbox.list': () => [] });
    await act(() => connectStore(createClient(bridge)));
    station.fire('readers.changed', readersWithCard(READER));
    station.fire('issuance.changed', running('generate-keys'));
    station.fire('readers.changed', readersWithCard(OTHER_READER, 2));
    expect(useStation.getState().selectedReader).toBe(READER);
    expect(useStation.getState().lastInserted).toBe(OTHER_READER);

    station.fire('issuance.changed', pinEntry());
    act(() => selectReader(OTHER_READER));
    useStation.setState({ focusStep: null });
    station.fire('issuance.changed', running('pin'));
    expect(useStation.getState().selectedReader).toBe(READER);
    expect(useStation.getState().focusStep).toBe(READER);
  });
});
