// The renderer's errors reach the diagnostic log through the contract (`diagnostics.reportError`).
// Whatever holds the bridge is untrusted, so a report is only text in the log, and a renderer stuck
// in an error loop cannot fill the disk: at most `perMinute` reports are written per minute, and
// the number dropped is written once when the next minute starts.
import type { RendererErrorReport } from '../../shared/diagnostics';
import type { DiagnosticLog } from './diagnostic-log';

export const RENDERER_ERRORS_PER_MINUTE = 20;
const WINDOW_MS = 60_000;

export function createRendererErrorReporter(
  log: DiagnosticLog,
  now: () => Date,
  perMinute: number = RENDERER_ERRORS_PER_MINUTE,
): (report: RendererErrorReport) => { accepted: boolean } {
  let windowStart = Number.NEGATIVE_INFINITY;
  let written = 0;
  let dropped = 0;
  return (report) => {
    const t = now().getTime();
    if (t - windowStart >= WINDOW_MS) {
      if (dropped > 0) log.warn('renderer.errors-dropped', { dropped, perMinute });
      windowStart = t;
      written = 0;
      dropped = 0;
    }
    if (written >= perMinute) {
      dropped += 1;
      return { accepted: false };
    }
    written += 1;
    log.warn('renderer.error', { source: report.source, message: report.message, stack: report.stack });
    return { accepted: true };
  };
}
