import { win32 } from 'node:path';

/**
 * The Windows programs the station starts, by absolute path from the system folder, with the system
 * folder as working folder: a bare `sc.exe` is looked up in the caller's current folder first (and
 * then along PATH), so whoever can write there, or into a PATH folder, would run as the operator.
 * Never the caller's cwd: a scripted `--cli` run from a share or a Downloads folder changes nothing.
 */
export type SystemTool = 'sc.exe' | 'reg.exe' | 'powershell.exe' | 'eventcreate.exe';

const UNDER_WINDOWS: Record<SystemTool, readonly string[]> = {
  'sc.exe': ['System32', 'sc.exe'],
  'reg.exe': ['System32', 'reg.exe'],
  'powershell.exe': ['System32', 'WindowsPowerShell', 'v1.0', 'powershell.exe'],
  'eventcreate.exe': ['System32', 'eventcreate.exe'],
};

/** Where Windows is when the environment does not say so believably. */
export const DEFAULT_WINDOWS_FOLDER = 'C:\\Windows';

/**
 * %SystemRoot% when it is a plain local absolute folder (`C:\Windows`, any drive letter), else
 * `C:\Windows`: a UNC path, a relative path, `..` or a device path would move every system tool
 * the station starts somewhere else.
 */
export function windowsFolder(env: Readonly<Record<string, string | undefined>> = process.env): string {
  // Windows environment names are case-insensitive; Node keeps the spelling the system gave.
  const value = Object.entries(env).find(([name]) => name.toLowerCase() === 'systemroot')?.[1];
  if (value === undefined) return DEFAULT_WINDOWS_FOLDER;
  const folder = value.trim().replace(/\\+$/, '');
  const plain = /^[A-Za-z]:\\[^<>:"/|?*\0]+$/.test(folder) && !folder.split('\\').some((part) => part === '..' || part === '.');
  return plain ? folder : DEFAULT_WINDOWS_FOLDER;
}

/** The absolute path of a system tool and the folder to start it in (System32). */
export function systemTool(tool: SystemTool, env: Readonly<Record<string, string | undefined>> = process.env): { file: string; cwd: string } {
  const windows = windowsFolder(env);
  return { file: win32.join(windows, ...UNDER_WINDOWS[tool]), cwd: win32.join(windows, 'System32') };
}
