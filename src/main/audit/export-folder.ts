import { StationError } from '../../shared/errors';
import type { SettingsView } from '../../shared/settings';

/** `\\server\share\…` or `//server/share/…`: a network path, where Windows would also offer the user's NTLM hash. */
export function isUncPath(path: string): boolean {
  return /^(?:\\\\|\/\/)[^\\/]/.test(path);
}

/**
 * Audit data may go to a network share only when the organisation put it there through the OS's
 * policy channel: not from a development policy, a default or anything else. (auditExportFolder is
 * machine-only, so the operator and the renderer cannot set it at all.)
 */
export function assertExportFolderAllowed(dir: string, view: SettingsView): void {
  if (!isUncPath(dir)) return;
  const fromOsPolicy = view.policy.status === 'ok' && view.policy.channel !== 'development' && view.policy.keys.includes('auditExportFolder');
  if (!fromOsPolicy) {
    throw new StationError('EXPORT_FOLDER_REFUSED', 'The audit export folder is a network path that machine policy did not set.', { folder: dir });
  }
}
