// The first and last entries of a run: which station this is (versions), how it runs (mode) and
// where its settings came from (the policy channel and source, and any problem with them), so a
// support reader knows what they are looking at before reading on.
import type { SettingsView } from '../../shared/settings';
import type { DiagnosticLog } from './diagnostic-log';

export function logStart(log: DiagnosticLog, run: { version: string; mode: 'real' | 'training'; settings: SettingsView }): void {
  const { policy, user } = run.settings;
  const fields = {
    version: run.version,
    node: process.versions.node,
    electron: process.versions.electron ?? null,
    platform: process.platform,
    mode: run.mode,
    policyChannel: policy.channel,
    policySource: policy.source,
    policyStatus: policy.status,
    policyProblems: policy.problems.join('; ') || null,
    userSettings: user.status,
    userSettingsProblems: user.problems.join('; ') || null,
  };
  if (policy.problems.length > 0 || user.status !== 'ok') log.warn('station.start', fields);
  else log.info('station.start', fields);
}

export function logStop(log: DiagnosticLog, mode: 'real' | 'training'): void {
  log.info('station.stop', { mode });
}
