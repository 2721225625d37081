import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertExportFolderAllowed, isUncPath } from '../../../src/main/audit/export-folder';
import { createSettingsService, type Policy } from '../../../src/main/config';
import { call } from '../../../src/main/station/dispatch';
import type { SettingsView } from '../../../src/shared/settings';
import { testTempDir } from '../../support/temp-dir';
import { startTestStation } from '../../support/test-station';
import { reportListenerErrorToStderr } from '../../../src/main/common';

const UNC = '\\\\files.contoso.com\\audit$';
const memory = () => ({ get: () => undefined, set: () => undefined, setAside: () => 'n/a' });
function viewWith(policy: Policy): SettingsView {
  return createSettingsService({ onListenerError: reportListenerErrorToStderr, policy, store: memory() }).view();
}

describe('audit export folder', () => {
  it('recognises UNC paths in both spellings', () => {
    expect(isUncPath(UNC)).toBe(true);
    expect(isUncPath('//files.contoso.com/audit')).toBe(true);
    expect(isUncPath('C:\\Audit')).toBe(false);
    expect(isUncPath('/var/audit')).toBe(false);
  });

  it('allows a UNC folder only when the OS policy channel set it', () => {
    const fromRegistry: Policy = {
      status: 'ok',
      source: 'HKLM',
      channel: 'windows-registry',
      values: { auditExportFolder: UNC },
      locked: ['auditExportFolder'],
    };
    expect(() => assertExportFolderAllowed(UNC, viewWith(fromRegistry))).not.toThrow();
    const fromDevelopment: Policy = { ...fromRegistry, channel: 'development' };
    expect(() => assertExportFolderAllowed(UNC, viewWith(fromDevelopment))).toThrow(expect.objectContaining({ code: 'EXPORT_FOLDER_REFUSED' }));
    expect(() => assertExportFolderAllowed(UNC, viewWith({ status: 'none', source: null, channel: null }))).toThrow(
      expect.objectContaining({ code: 'EXPORT_FOLDER_REFUSED' }),
    );
    expect(() => assertExportFolderAllowed('C:\\Audit', viewWith({ status: 'none', source: null, channel: null }))).not.toThrow();
  });

  it('a station refuses to export to a UNC default it was not given by policy, and writes nothing', async () => {
    const t = await startTestStation({ defaultExportDir: '//attacker.example/loot' });
    try {
      await expect(call(t.station.handlers, 'audit.exportCsv', {})).rejects.toMatchObject({ code: 'EXPORT_FOLDER_REFUSED' });
    } finally {
      await t.close();
    }
  });

  it('a station reports its audit trail on Diagnostics', async () => {
    const t = await startTestStation({ defaultExportDir: join(testTempDir('exp-'), 'x') });
    try {
      const report = await call(t.station.handlers, 'diagnostics.run', {});
      expect(report.auditTrail).toMatchObject({ status: 'ok', records: expect.any(Number), problems: [] });
    } finally {
      await t.close();
    }
  });
});
