// The renderer's errors reach the diagnostic log through the contract (`diagnostics.reportError`).
// Whatever holds the bridge is untrusted, so a report is only text in the log, and a renderer stuck
// in an error loop cannot fill the disk: at most `perMinute` reports are written per minute, and
// the number dropped is written once when the next minute starts.
import type { RendererErrorReport } from '../../shared/diagnostics';
import type { DiagnosticLog } from './diagnostic-log';
import { createPerMinuteLimit } from './per-minute-limit';

export const RENDERER_ERRORS_PER_MINUTE = 20;

export function createRendererErrorReporter(
  log: DiagnosticLog,
  now: () => Date,
  perMinute: number = RENDERER_ERRORS_PER_MINUTE,
): (report: RendererErrorReport) => { accepted: boolean } {
  const admit = createPerMinuteLimit({ perMinute, now, onDropped: (dropped) => log.warn('renderer.errors-dropped', { dropped, perMinute }) });
  return (report) => {
    if (!admit()) return { accepted: false };
    log.warn('renderer.error', { source: report.source, message: report.message, stack: report.stack });
    return { accepted: true };
  };
}
