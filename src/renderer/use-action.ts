import { useCallback, useRef, useState } from 'react';
import type { ErrorPayload } from '../shared/errors';
import { errorPayloadOf } from './errors';

export interface Action {
  pending: boolean;
  error: ErrorPayload | null;
  /** Runs `work` unless it is already running; a failure lands in `error`, not in a throw. */
  run(work: () => Promise<void>): Promise<void>;
  clear(): void;
}

/** One operator action on a station call: its pending flag and its last error. */
export function useAction(): Action {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const running = useRef(false);
  const run = useCallback(async (work: () => Promise<void>) => {
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
  const clear = useCallback(() => setError(null), []);
  return { pending, error, run, clear };
}
