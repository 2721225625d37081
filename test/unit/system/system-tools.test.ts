import { describe, expect, it } from 'vitest';
import { scQueryCommand } from '../../../src/main/pcsc/service-probe';
import { systemTool, windowsFolder } from '../../../src/main/common/system-tools';

describe('Windows system tools by absolute path (issue 18, item 3)', () => {
  it("starts each tool from %SystemRoot%\\System32, working folder included, whatever the caller's folder", () => {
    const env = { SystemRoot: 'C:\\WINDOWS', PATH: '.;C:\\Users\\dana\\bin' };
    expect(systemTool('sc.exe', env)).toEqual({ file: 'C:\\WINDOWS\\System32\\sc.exe', cwd: 'C:\\WINDOWS\\System32' });
    expect(systemTool('reg.exe', env).file).toBe('C:\\WINDOWS\\System32\\reg.exe');
    expect(systemTool('powershell.exe', env).file).toBe('C:\\WINDOWS\\System32\\WindowsPowerShell\\v1.0\\powershell.exe');
    expect(systemTool('eventcreate.exe', env).file).toBe('C:\\WINDOWS\\System32\\eventcreate.exe');
    expect(scQueryCommand(env)).toEqual({ file: 'C:\\WINDOWS\\System32\\sc.exe', args: ['query', 'SCardSvr'], cwd: 'C:\\WINDOWS\\System32' });
  });

  it('reads the variable whatever its case, and Windows on another drive', () => {
    expect(windowsFolder({ SYSTEMROOT: 'D:\\Windows\\' })).toBe('D:\\Windows');
  });

  it('falls back to C:\\Windows when the variable is missing or could move the tools', () => {
    for (const value of [
      undefined,
      '',
      'Windows',
      '..\\Windows',
      'C:\\Windows\\..\\Users\\dana',
      '\\\\evil\\share\\Windows',
      'C:/Windows',
      '\\\\?\\C:\\Windows',
      'C:\\Win"dows',
    ]) {
      expect(windowsFolder(value === undefined ? {} : { SystemRoot: value })).toBe('C:\\Windows');
    }
    expect(systemTool('sc.exe', { SystemRoot: '\\\\evil\\share' })).toEqual({ file: 'C:\\Windows\\System32\\sc.exe', cwd: 'C:\\Windows\\System32' });
  });
});
