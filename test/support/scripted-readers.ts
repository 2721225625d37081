import type { ReadersSnapshot } from '../../src/shared/readers';
import type { ReaderSource } from '../../src/main/station';

/**
 * An in-memory ReaderSource for unit tests of the layers above PC/SC (dispatch, host, renderer
 * store). The PC/SC layer itself is tested against real pcscd + vpcd in test/integration.
 */
export function scriptedReaders(initial: ReadersSnapshot): ReaderSource & { push(next: ReadersSnapshot): void } {
  let current = initial;
  const listeners = new Set<(s: ReadersSnapshot) => void>();
  return {
    snapshot: () => current,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      listeners.clear();
    },
    push(next) {
      current = next;
      for (const l of listeners) l(next);
    },
  };
}
