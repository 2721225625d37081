import type { EventChannel, EventPayload } from '../../src/shared/contract';
import type { Station } from '../../src/main/station/station';

/** Resolves with the first event of that kind the predicate accepts; rejects after `timeoutMs`. */
export function nextEvent<E extends EventChannel>(
  station: Station,
  event: E,
  accept: (payload: EventPayload<E>) => boolean,
  timeoutMs = 5_000,
): Promise<EventPayload<E>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`no matching ${event} event within ${timeoutMs} ms`));
    }, timeoutMs);
    const unsubscribe = station.subscribe((name, payload) => {
      if ((name as string) !== event) return;
      const typed = payload as unknown as EventPayload<E>;
      if (!accept(typed)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(typed);
    });
  });
}
