import type { Envelope, EventChannel, StationBridge } from '../../shared/contract';
import { HOST_TOKEN_FRAGMENT, HOST_TOKEN_QUERY, HOST_WS_PATH } from '../../shared/host-address';
import type { HostServerMessage } from '../../shared/host-frames';
import { callIsolated } from '../../shared/isolated-listener';

type Pending = (envelope: Envelope<unknown>) => void;

const DISCONNECTED: Envelope<never> = {
  ok: false,
  error: { code: 'INTERNAL', message: 'The connection to the station host was lost. Reload the page.', details: {} },
};

/**
 * The same bridge the Electron preload provides, carried over the station host's WebSocket.
 * The per-run token comes from the URL fragment (never sent to the server in a request line).
 */
export function createWebSocketBridge(location: Location): StationBridge {
  const token = new URLSearchParams(location.hash.slice(1)).get(HOST_TOKEN_FRAGMENT) ?? '';
  const wsUrl = `ws://${location.host}${HOST_WS_PATH}?${HOST_TOKEN_QUERY}=${encodeURIComponent(token)}`;
  const socket = new WebSocket(wsUrl);
  const opened = new Promise<void>((resolve) => socket.addEventListener('open', () => resolve(), { once: true }));
  const pending = new Map<number, Pending>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let nextId = 0;

  // The frames' schema (zod/mini) is fetched while the socket opens, not with the first screen's
  // code: zod's core, which the other screens' schemas share, is about 24 KiB gzip of it
  // (quality.md, "Start-up and size"). Frames are handled in arrival order, each checked first.
  const schema = import('../../shared/host-frames').then((frames) => frames.hostServerMessageSchema);
  let frames: Promise<void> = Promise.resolve();
  const inOrder = (step: () => Promise<void> | void): void => {
    frames = frames.then(step).catch((err: unknown) => {
      // Only a failed load of the schema lands here: no frame can be checked, so none is used.
      for (const settle of pending.values()) settle(DISCONNECTED);
      pending.clear();
      socket.close();
      queueMicrotask(() => {
        throw err;
      });
    });
  };

  socket.addEventListener('message', (message) => {
    const json = parseJson(String(message.data));
    inOrder(async () => {
      const parsed = (await schema).safeParse(json);
      if (parsed.success) deliver(parsed.data); // the host speaks this protocol; anything else is ignored
    });
  });
  socket.addEventListener('close', () => {
    // After the frames that arrived before it: their replies are not turned into "disconnected".
    inOrder(() => {
      for (const settle of pending.values()) settle(DISCONNECTED);
      pending.clear();
    });
  });

  function deliver(data: HostServerMessage): void {
    if (data.type === 'reply') {
      pending.get(data.id)?.(data.envelope as Envelope<unknown>);
      pending.delete(data.id);
      return;
    }
    // Each listener on its own: one that throws must not keep the event from the others.
    for (const listener of [...(listeners.get(data.event) ?? [])]) callIsolated(listener, data.payload);
  }

  return {
    async invoke(channel, request) {
      await opened;
      if (socket.readyState !== WebSocket.OPEN) return DISCONNECTED;
      const id = nextId++;
      const reply = new Promise<Envelope<unknown>>((resolve) => pending.set(id, resolve));
      socket.send(JSON.stringify({ id, channel, payload: request }));
      return reply as never;
    },
    on(event: EventChannel, listener) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (payload: unknown) => void);
      listeners.set(event, set);
      return () => set.delete(listener as (payload: unknown) => void);
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
