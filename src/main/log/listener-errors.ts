import type { ListenerErrorReporter } from '../common';
import type { DiagnosticLog } from './diagnostic-log';

/** A listener set's reporter that writes to the diagnostic log: `listener.failed` with its source. */
export function listenerErrorsTo(log: Pick<DiagnosticLog, 'error'>): ListenerErrorReporter {
  return (err, source) => log.error('listener.failed', err, { source });
}
