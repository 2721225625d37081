// Linux: syslog over the local syslog socket (`/dev/log`, which rsyslog or journald serve), in
// RFC 5424 with structured data. Node cannot send unix *datagrams*, so util-linux's `logger`
// (on every Linux) does the sending: started by absolute path, one event per call (a badge office
// makes a few hundred events a day), `--socket-errors=on` so a missing or refusing socket is a
// counted failure rather than a silent success.
import { existsSync } from 'node:fs';
import { OS_LOG_APP_NAME, OS_LOG_SD_ID } from '../../shared/os-events';
import { createNoOsLog, createQueuedSink, type OsLogEvent, type OsLogSink } from './sink';
import { runTool } from './run-tool';

export const DEFAULT_SYSLOG_SOCKET = '/dev/log';
const LOGGER_PATHS = ['/usr/bin/logger', '/bin/logger'];
/** local0: the facility IT routes to its SIEM (auth would mix the station into sshd's and sudo's). */
const FACILITY = 'local0';
const SYSLOG_SEVERITY = { info: 'info', warning: 'warning', error: 'err' } as const;

/** RFC 5424 §6.3.3: `"`, `\` and `]` are escaped inside a PARAM-VALUE. */
function sdValue(value: string): string {
  return value.replace(/["\\\]]/g, '\\$&');
}

/** The `logger` arguments for one event (exported for the unit test of their shape). */
export function loggerArgs(socketPath: string, event: OsLogEvent): string[] {
  const params = Object.entries(event.data).flatMap(([name, value]) => ['--sd-param', `${name}="${sdValue(value)}"`]);
  return [
    '--socket-errors=on',
    '--socket',
    socketPath,
    // notq: no timeQuality element; the station adds its own structured data only.
    '--rfc5424=notq',
    '--tag',
    OS_LOG_APP_NAME,
    // PROCID: the station's process, not logger's.
    `--id=${process.pid}`,
    '--priority',
    `${FACILITY}.${SYSLOG_SEVERITY[event.severity]}`,
    '--msgid',
    event.name.slice(0, 32),
    '--sd-id',
    OS_LOG_SD_ID,
    ...params,
    '--',
    // logger would read stdin for an empty message.
    event.message || '-',
  ];
}

export function createLinuxSyslog(options: { socketPath?: string; loggerPath?: string } = {}): OsLogSink {
  const socketPath = options.socketPath ?? DEFAULT_SYSLOG_SOCKET;
  const logger = options.loggerPath ?? LOGGER_PATHS.find((path) => existsSync(path));
  if (logger === undefined) return createNoOsLog('util-linux logger not found (/usr/bin/logger)');
  if (!existsSync(socketPath)) return createNoOsLog(`no syslog socket at ${socketPath}`);
  return createQueuedSink('syslog', socketPath, (event) => runTool(logger, loggerArgs(socketPath, event), '/'));
}
