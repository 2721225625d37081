// Work nobody awaits (a timer's retry, a background refresh, a drain loop) still gets a handler:
// an unhandled rejection ends the host with code 1 and shows the desktop app's main-process error
// dialog. The lint (no-floating-promises, `void` not accepted) makes every such promise name its
// handler; where a module has no diagnostic log yet, this one reports to stderr, which the host
// and the CLI keep and Electron logs.

export type FailureReporter = (error: unknown, what: string) => void;

export const reportFailureToStderr: FailureReporter = (error, what) => {
  console.error(`station: ${what} failed:`, error);
};

/** A `.catch` handler that reports the failure of `what`. */
export function reportFailure(what: string, report: FailureReporter = reportFailureToStderr): (error: unknown) => void {
  return (error) => {
    try {
      report(error, what);
    } catch {
      // A failing reporter must not turn a reported failure into an unhandled one.
    }
  };
}
