// What something untrusted can make the station write (a renderer's error reports, a refused IPC
// sender) is limited, so a loop cannot fill the disk: at most `perMinute` entries per minute, and
// the number dropped said once, when the next minute starts, so nothing vanishes without a trace.

const WINDOW_MS = 60_000;

export interface PerMinuteLimitOptions {
  perMinute: number;
  now: () => Date;
  /** Called once, at the first entry of a new minute, with how many the last minute dropped. */
  onDropped: (dropped: number) => void;
}

/** Returns `admit()`: true when this entry may be written, false when it is counted as dropped. */
export function createPerMinuteLimit({ perMinute, now, onDropped }: PerMinuteLimitOptions): () => boolean {
  let windowStart = Number.NEGATIVE_INFINITY;
  let written = 0;
  let dropped = 0;
  return () => {
    const t = now().getTime();
    if (t - windowStart >= WINDOW_MS) {
      if (dropped > 0) onDropped(dropped);
      windowStart = t;
      written = 0;
      dropped = 0;
    }
    if (written >= perMinute) {
      dropped += 1;
      return false;
    }
    written += 1;
    return true;
  };
}
