import { StationError } from '../../shared/errors';
import { backoffDelay, type BackoffPolicy } from '../common';

/** Failures a repeated GET may get past: the network, the clock, the server having a bad moment. */
export function isTransient(err: unknown): boolean {
  return (
    err instanceof StationError && (err.code === 'CM_OFFLINE' || err.code === 'CM_TIMEOUT' || err.code === 'CM_UNAVAILABLE' || err.code === 'CM_SERVER_ERROR')
  );
}

export interface RetryPolicy {
  retries: number;
  /** Half of each delay fixed, half random (jitter 0.5), so stations that lost CM together do not return together. */
  backoff: BackoffPolicy;
  random: () => number;
  sleep: (ms: number) => Promise<void>;
}

/** Repeats a call that is safe to repeat past transient failures, with the station's back-off. */
export async function withRetries<T>(policy: RetryPolicy, attemptOnce: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await attemptOnce();
    } catch (err) {
      if (attempt > policy.retries || !isTransient(err)) throw err;
      await policy.sleep(backoffDelay(policy.backoff, attempt, policy.random));
    }
  }
}
