import type { ConnectionState, EventChannel, EventPayload } from '../shared/contract';
import type { ReadersSnapshot } from '../shared/readers';
import type { EventListener, Handlers } from './dispatch';

/** What the station needs from the PC/SC capability: a live view of readers and cards. */
export interface ReaderSource {
  snapshot(): ReadersSnapshot;
  subscribe(listener: (snapshot: ReadersSnapshot) => void): () => void;
  close(): Promise<void>;
}

export interface StationDeps {
  version: string;
  training: boolean;
  readers: ReaderSource;
}

export interface Station {
  handlers: Handlers;
  /** Every contract event, in order; returns an unsubscribe function. */
  subscribe(listener: EventListener): () => void;
  close(): Promise<void>;
}

/**
 * The composition root, shared by the Electron shell, the host and the CLI. Pure Node: everything
 * that touches the outside world (PC/SC binding, CM transport, clock, paths) arrives in `deps`.
 */
export function createStation(deps: StationDeps): Station {
  const listeners = new Set<EventListener>();
  const emit = <E extends EventChannel>(event: E, payload: EventPayload<E>): void => {
    for (const listener of listeners) listener(event, payload);
  };

  const connection: ConnectionState = { mode: 'unconfigured' };
  const unsubscribeReaders = deps.readers.subscribe((snapshot) => emit('readers.changed', snapshot));

  const handlers: Handlers = {
    'station.snapshot': async () => ({
      version: deps.version,
      training: deps.training,
      readers: deps.readers.snapshot(),
      connection,
    }),
    'readers.list': async () => deps.readers.snapshot(),
  };

  return {
    handlers,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      unsubscribeReaders();
      listeners.clear();
      await deps.readers.close();
    },
  };
}
