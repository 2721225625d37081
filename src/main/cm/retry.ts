import { StationError } from '../../shared/errors';

/** Failures a repeated GET may get past: the network, the clock, the server having a bad moment. */
export function isTransient(err: unknown): boolean {
  return (
    err instanceof StationError &&
    (err.code === 'CM_OFFLINE' || err.code === 'CM_TIMEOUT' || err.code === 'CM_SERVER_ERROR')
  );
}

export interface BackoffPolicy {
  retries: number;
  baseMs: number;
  maxMs: number;
  random: () => number;
  sleep: (ms: number) => Promise<void>;
}

/**
 * Exponential back-off with jitter (half fixed, half random) so stations that lost CM together do
 * not all come back in the same instant. Only for calls that are safe to repeat.
 */
export async function withRetries<T>(policy: BackoffPolicy, attemptOnce: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await attemptOnce();
    } catch (err) {
      if (attempt >= policy.retries || !isTransient(err)) throw err;
      const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** attempt);
      await policy.sleep(cap / 2 + (policy.random() * cap) / 2);
    }
  }
}
