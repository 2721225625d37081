// A bare PC/SC context on one vpcd reader whose status events a test awaits directly (the reader
// monitor is tested on its own, test/integration/monitor.test.ts).
import { createPcscliteBinding, type PcscContext, type ReaderStatus } from '../../src/main/pcsc';
import { EVENT_TIMEOUT_MS } from './wait';

export interface WatchedReader {
  readonly context: PcscContext;
  /** Settles at the reader's first status, which pcscd sends right after watch. */
  readonly watched: Promise<void>;
  /**
   * Waits for the reader to show a card (present) or none, in a status newer than the call: one with
   * a higher event count than last reported (pcscd counts insertions and removals). The previous
   * test's card may still be listed until vpcd's next poll, and its stale "present" must not pass
   * for the card just inserted. Call it before inserting or removing, after `watched`.
   */
  presence(present: boolean): Promise<void>;
}

export function watchReader(readerName: string): WatchedReader {
  const listeners = new Set<(reader: string, status: ReaderStatus) => void>();
  let lastEventCount = -1;
  let firstStatus: () => void = () => undefined;
  const watched = new Promise<void>((resolve) => (firstStatus = resolve));
  const context = createPcscliteBinding().establish({
    readers: () => undefined,
    status: (reader, status) => {
      if (reader === readerName) {
        lastEventCount = status.eventCount;
        firstStatus();
      }
      listeners.forEach((listener) => listener(reader, status));
    },
    lost: () => undefined,
  });
  context.watch(readerName);
  const presence = (present: boolean) => {
    const newerThan = lastEventCount;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`card ${present ? 'insertion' : 'removal'} not seen`)), EVENT_TIMEOUT_MS);
      const listener = (reader: string, status: ReaderStatus) => {
        if (reader !== readerName || status.present !== present || status.eventCount <= newerThan) return;
        clearTimeout(timer);
        listeners.delete(listener);
        resolve();
      };
      listeners.add(listener);
    });
  };
  return { context, watched, presence };
}
