import type { RegistryAccess } from '../../src/main/config/channels/windows-registry';
import { parseRegExport } from '../../src/main/config/channels/reg-export';

/**
 * Reads a registry export (`reg export` / regedit's .reg format: UTF-16 LE with a BOM, CRLF) into
 * a RegistryAccess with the production parser (reg-export.ts), so the Windows policy reader is
 * tested with the bytes an administrator's machine records.
 */
export function registryFromRegFile(bytes: Buffer): RegistryAccess {
  const { keys } = parseRegExport(bytes);
  return { readValues: (path) => keys.get(path.toLowerCase()) ?? null };
}
