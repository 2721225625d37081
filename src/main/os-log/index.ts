import { createWindowsEventLog } from './eventlog-windows';
import { createNoOsLog, type OsLogSink } from './sink';
import { createLinuxSyslog } from './syslog-linux';
import { createMacUnifiedLog } from './unified-macos';

export { auditToOsLog, healthToOsLog, withOsLog } from './events';
export { createNoOsLog, createQueuedSink } from './sink';
export type { OsLogEvent, OsLogSink } from './sink';

/** The OS log of this machine: syslog (Linux), the unified log (macOS), the Event Log (Windows). */
export function createOsLog(platform: NodeJS.Platform = process.platform, options: { syslogSocket?: string } = {}): OsLogSink {
  switch (platform) {
    case 'linux':
      return createLinuxSyslog(options.syslogSocket === undefined ? {} : { socketPath: options.syslogSocket });
    case 'darwin':
      return createMacUnifiedLog();
    case 'win32':
      return createWindowsEventLog();
    default:
      return createNoOsLog(`no OS log for ${platform}`);
  }
}
