import { useEffect, useState } from 'react';

/**
 * The time now, ticking once a second only while `running` (a step is running): no busy timer
 * when nothing moves, and the interval is cleared as soon as the step ends or the view goes.
 */
export function useRunningClock(running: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return undefined;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [running]);
  return now;
}
