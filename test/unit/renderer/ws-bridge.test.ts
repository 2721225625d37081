import { afterEach, describe, expect, it, vi } from 'vitest';
import { createWebSocketBridge } from '../../../src/renderer/bridge/ws-bridge';

/** The browser's WebSocket, as far as the bridge uses it: the test delivers the host's frames. */
class FakeSocket extends EventTarget {
  static last: FakeSocket | null = null;
  constructor(readonly url: string) {
    super();
    FakeSocket.last = this;
  }
  send(): void {}
  deliver(frame: unknown): void {
    this.dispatchEvent(Object.assign(new Event('message'), { data: JSON.stringify(frame) }));
  }
}

afterEach(() => vi.unstubAllGlobals());

describe('host WebSocket bridge', () => {
  it('delivers an event to every listener even when one throws; the error still surfaces', async () => {
    vi.stubGlobal('WebSocket', FakeSocket);
    const surfaced: unknown[] = [];
    const queue = vi.spyOn(globalThis, 'queueMicrotask').mockImplementation((task) => {
      try {
        task();
      } catch (err) {
        surfaced.push(err);
      }
    });
    const bridge = createWebSocketBridge({ hash: '#token=t', host: '127.0.0.1:1' } as Location);
    const seen: unknown[] = [];
    bridge.on('connection.changed', () => {
      throw new Error('a broken screen');
    });
    bridge.on('connection.changed', (payload) => seen.push(payload));
    FakeSocket.last?.deliver({ type: 'event', event: 'connection.changed', payload: { mode: 'unconfigured' } });
    // Frames are checked once their schema has loaded (it is not part of the first screen's code).
    await vi.waitFor(() => expect(seen.length).toBeGreaterThan(0));
    expect(seen).toEqual([{ mode: 'unconfigured' }]);
    expect(surfaced).toEqual([new Error('a broken screen')]);
    queue.mockRestore();
  });
});
