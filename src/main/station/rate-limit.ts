// What the renderer (or a WebSocket client: anything holding the bridge is untrusted) can make the
// station do that costs disk or processes: write an export, build a support bundle, run diagnostics
// (which spawns a child to probe the smart card service). Each is limited to one at a time and to
// one start per interval after the previous one ended; a refused call is RATE_LIMITED (worded en/fr)
// and changes nothing.
import { StationError } from '../../shared/errors';

/** Minimum pause after the previous call ended, per kind of work. */
export const RATE_LIMITS = {
  /** CSV exports and support bundles write a file each. */
  export: 2_000,
  bundle: 5_000,
  /** Diagnostics spawn the service probe; the screen runs them on opening and on a button. */
  diagnostics: 500,
} as const;

export type RateLimited = <T>(work: () => Promise<T>) => Promise<T>;

export function rateLimited(what: string, minIntervalMs: number, nowMs: () => number): RateLimited {
  let running = false;
  let endedAt = Number.NEGATIVE_INFINITY;
  return async (work) => {
    const wait = Math.ceil(endedAt + minIntervalMs - nowMs());
    if (running || wait > 0) {
      throw new StationError('RATE_LIMITED', `${what} is ${running ? 'still running' : 'allowed again in a moment'}; try again shortly.`, {
        what,
        retryAfterMs: running ? minIntervalMs : wait,
      });
    }
    running = true;
    try {
      return await work();
    } finally {
      running = false;
      endedAt = nowMs();
    }
  };
}
