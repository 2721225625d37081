// Waiting for monitor events: always bounded, never a fixed sleep. pcscd polls vpcd slots about every
// 400 ms (worst seen ~530 ms), so timeouts below 1.5 s would make tests flaky.
import type { ReadersSnapshot } from '../../src/shared/readers';

export const EVENT_TIMEOUT_MS = 3_000;

interface SnapshotSource {
  snapshot(): ReadersSnapshot;
  subscribe(listener: (snapshot: ReadersSnapshot) => void): () => void;
}

/** Resolves with the first snapshot (the current one included) that satisfies `predicate`. */
export function waitForSnapshot(
  source: SnapshotSource,
  predicate: (snapshot: ReadersSnapshot) => boolean,
  what: string,
  timeoutMs: number = EVENT_TIMEOUT_MS,
): Promise<ReadersSnapshot> {
  if (timeoutMs < 1_500) throw new Error('waitForSnapshot: use a timeout of at least 1.5 s (pcscd polls vpcd slots)');
  const now = source.snapshot();
  if (predicate(now)) return Promise.resolve(now);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last snapshot: ${JSON.stringify(source.snapshot())}`));
    }, timeoutMs);
    const unsubscribe = source.subscribe((snapshot) => {
      if (!predicate(snapshot)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(snapshot);
    });
  });
}

/** The card in the named reader, or null (also null when the reader is not listed). */
export function cardIn(snapshot: ReadersSnapshot, readerName: string) {
  return snapshot.readers.find((reader) => reader.name === readerName)?.card ?? null;
}
