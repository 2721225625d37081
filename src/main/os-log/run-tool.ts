import { execFile } from 'node:child_process';

/**
 * Runs a system tool by absolute path (never looked up on PATH or in the working folder), from a
 * safe working folder, with a time limit; rejects with its error output when it fails.
 */
export function runTool(path: string, args: readonly string[], cwd: string, timeoutMs = 5_000): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(path, [...args], { cwd, timeout: timeoutMs, windowsHide: true, maxBuffer: 64 * 1024 }, (err, _stdout, stderr) => {
      if (err) reject(new Error(`${path}: ${String(stderr).trim() || err.message}`));
      else resolve();
    });
  });
}
