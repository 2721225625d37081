import type { DiagnosticsReport } from '../shared/diagnostics';
import type { StationClient } from './client';

export type { DiagnosticsCard, DiagnosticsReport } from '../shared/diagnostics';

/** Runs the station's diagnostics: the same report as `npm run diag -- --json`. */
export function runDiagnostics(client: StationClient): Promise<DiagnosticsReport> {
  return client.call('diagnostics.run', {});
}
