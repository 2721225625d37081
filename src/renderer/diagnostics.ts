import type { Envelope } from '../shared/contract';
import type { DiagnosticsReport } from '../shared/diagnostics';
import { type StationClient, StationCallError } from './client';

export type { DiagnosticsCard, DiagnosticsReport } from '../shared/diagnostics';

type UntypedInvoke = (channel: string, request: unknown) => Promise<Envelope<unknown>>;

/**
 * Runs the station's diagnostics. `diagnostics.run` is not in the contract yet, so the bridge is
 * called untyped here, in this one place; once the channel exists this becomes
 * `client.call('diagnostics.run', {})`. A station without the channel answers UNKNOWN_CHANNEL,
 * which the screen shows like any other error.
 */
export async function runDiagnostics(client: StationClient): Promise<DiagnosticsReport> {
  const invoke = client.bridge.invoke.bind(client.bridge) as unknown as UntypedInvoke;
  const envelope = await invoke('diagnostics.run', {});
  if (!envelope.ok) throw new StationCallError(envelope.error);
  return envelope.value as DiagnosticsReport;
}
