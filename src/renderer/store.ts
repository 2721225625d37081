import { create } from 'zustand';
import type { ConnectionState } from '../shared/contract';
import type { ReadersSnapshot } from '../shared/readers';
import type { StationClient } from './client';

export interface StationState {
  status: 'connecting' | 'ready' | 'failed';
  failure: string | null;
  version: string;
  training: boolean;
  readers: ReadersSnapshot;
  connection: ConnectionState;
}

const initial: StationState = {
  status: 'connecting',
  failure: null,
  version: '',
  training: false,
  readers: { service: 'starting', readers: [] },
  connection: { mode: 'unconfigured' },
};

/** Renderer state: written only by station events and snapshots, read by components. */
export const useStation = create<StationState>(() => initial);

/**
 * Subscribe before taking the snapshot so no event between the two is lost. An event that arrives
 * before the reply is never newer than the snapshot: the station computes the snapshot and queues
 * the reply in the same turn of its event loop, and the transport keeps messages in order.
 */
export async function connectStore(client: StationClient): Promise<void> {
  client.bridge.on('readers.changed', (readers) => useStation.setState({ readers }));
  client.bridge.on('connection.changed', (connection) => useStation.setState({ connection }));
  try {
    const snapshot = await client.call('station.snapshot', {});
    useStation.setState({ ...snapshot, status: 'ready', failure: null });
  } catch (err) {
    useStation.setState({ status: 'failed', failure: err instanceof Error ? err.message : String(err) });
  }
}
