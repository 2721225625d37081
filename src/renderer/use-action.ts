import { useCallback, useRef, useState } from 'react';
import type { ErrorPayload } from '../shared/errors';
import { errorPayloadOf } from './errors';
import { fire } from './fire';

export interface Action {
  pending: boolean;
  error: ErrorPayload | null;
  /**
   * Starts `work` unless it is already running, and returns at once: a failure lands in `error`,
   * never in a throw or a rejected promise, so an event handler can call it as it is.
   */
  run(work: () => Promise<void>): void;
  /** The same, for a caller that must wait for the work to end (a queue of searches). Never rejects. */
  runAndWait(work: () => Promise<void>): Promise<void>;
  clear(): void;
}

/** One operator action on a station call: its pending flag and its last error. */
export function useAction(): Action {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const running = useRef(false);
  const runAndWait = useCallback(async (work: () => Promise<void>) => {
    if (running.current) return;
    running.current = true;
    setPending(true);
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(errorPayloadOf(err));
    } finally {
      running.current = false;
      setPending(false);
    }
  }, []);
  const run = useCallback((work: () => Promise<void>) => fire(runAndWait(work), 'operator action'), [runAndWait]);
  const clear = useCallback(() => setError(null), []);
  return { pending, error, run, runAndWait, clear };
}
