/**
 * The one back-off policy of the station: exponential delays with jitter, so a fleet of operations
 * (or of stations) that failed together does not retry in lock-step when CM comes back. Used by the
 * CM client's repeated GETs (cm/retry.ts) and by the outbox's scheduled replays (outbox/transitions.ts).
 */
export interface BackoffPolicy {
  /** Delay after the first failure. */
  baseMs: number;
  /** Ceiling for any delay; also the outbox's wait while the CM API is switched off. */
  maxMs: number;
  /** 0..1: the share of each delay that is randomised away (0 = exact delays). */
  jitter: number;
}

/** Delay in whole milliseconds before attempt `attempts + 1`, given `attempts` failed so far (>= 1). */
export function backoffDelay(policy: BackoffPolicy, attempts: number, random: () => number): number {
  const exponent = Math.min(Math.max(attempts - 1, 0), 30);
  const capped = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  return Math.round(capped * (1 - policy.jitter * random()));
}
