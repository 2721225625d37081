/** The timer functions the outbox uses, injected so tests drive time by hand. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** setTimeout fires at once for delays above 2^31-1 ms; waking early just re-arms the timer. */
const MAX_DELAY_MS = 2 ** 31 - 1;

export interface WakeTimer {
  /** Fire `onWake` at `at` (epoch ms), replacing any earlier target; null = never. */
  armAt(at: number | null): void;
}

/**
 * One timer for the whole outbox, aimed at the earliest moment something becomes due. Re-arming for
 * the same moment keeps the running timer, so the scheduler never holds more than one and never
 * polls.
 */
export function createWakeTimer(timers: Timers, now: () => number, onWake: () => void): WakeTimer {
  let handle: unknown = null;
  let target: number | null = null;
  return {
    armAt(at) {
      if (at === target) return;
      if (handle !== null) timers.clearTimeout(handle);
      handle = null;
      target = at;
      if (at === null) return;
      handle = timers.setTimeout(
        () => {
          handle = null;
          target = null;
          onWake();
        },
        Math.min(Math.max(0, at - now()), MAX_DELAY_MS),
      );
    },
  };
}
