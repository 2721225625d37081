// macOS: the unified log, through /usr/bin/logger (BSD logger hands the message to the unified
// log; `log show --predicate 'process == "logger" AND eventMessage CONTAINS "enrollment-station"'`
// or a SIEM agent reads it). BSD logger has no structured data: the fields follow the message as
// `key=value` pairs, the event id first, in a fixed order.
import { OS_LOG_APP_NAME } from '../../shared/os-events';
import { createQueuedSink, type OsLogEvent, type OsLogSink } from './sink';
import { runTool } from './run-tool';

const LOGGER = '/usr/bin/logger';
const SEVERITY = { info: 'info', warning: 'warning', error: 'err' } as const;

/** `key=value` pairs; a value with a space or a quote is quoted (JSON string rules). */
export function keyValues(data: Readonly<Record<string, string>>): string {
  return Object.entries(data)
    .map(([key, value]) => `${key}=${/^[^\s"=]*$/.test(value) ? value : JSON.stringify(value)}`)
    .join(' ');
}

export function macLoggerArgs(event: OsLogEvent): string[] {
  return ['-t', OS_LOG_APP_NAME, '-p', `local0.${SEVERITY[event.severity]}`, '--', `${keyValues(event.data)} ${event.message}`];
}

export function createMacUnifiedLog(): OsLogSink {
  return createQueuedSink('unified-log', LOGGER, (event) => runTool(LOGGER, macLoggerArgs(event), '/'));
}
