/**
 * Calls one event listener so that a throw cannot stop the listeners after it (an EventEmitter's
 * emit, a loop over a set): the renderer's two bridges (the preload's IPC, the host's WebSocket)
 * deliver events this way. The error still surfaces: rethrown on its own turn, it reaches the
 * window's error handler (the renderer's report, then the station's diagnostic log).
 */
export function callIsolated<T>(listener: (payload: T) => void, payload: T): void {
  try {
    listener(payload);
  } catch (err) {
    queueMicrotask(() => {
      throw err;
    });
  }
}
