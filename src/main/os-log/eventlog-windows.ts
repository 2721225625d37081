// Windows: the Application event log, source "Enrollment Station", through eventcreate.exe started
// by absolute path from System32 (no PowerShell: no execution policy, no Constrained Language
// Mode question). eventcreate writes only to a source registered as a custom source
// (HKLM\SYSTEM\CurrentControlSet\Services\EventLog\Application\Enrollment Station with
// EventMessageFile = %SystemRoot%\System32\EventCreate.exe, TypesSupported = 7, CustomSource = 1),
// which the installer creates (an administrator's right): a standard user's station cannot. Ids
// are 1-1000 (eventcreate's range). The fields follow the message as `key=value` pairs.
import { WINDOWS_EVENT_SOURCE } from '../../shared/os-events';
import { systemTool } from '../common';
import { createQueuedSink, type OsLogEvent, type OsLogSink } from './sink';
import { keyValues } from './unified-macos';
import { runTool } from './run-tool';

const TYPE = { info: 'INFORMATION', warning: 'WARNING', error: 'ERROR' } as const;

export function eventcreateArgs(event: OsLogEvent): string[] {
  return [
    '/L',
    'APPLICATION',
    '/SO',
    WINDOWS_EVENT_SOURCE,
    '/T',
    TYPE[event.severity],
    '/ID',
    String(event.id),
    '/D',
    `${event.message}\n${keyValues(event.data)}`,
  ];
}

export function createWindowsEventLog(env: Readonly<Record<string, string | undefined>> = process.env): OsLogSink {
  // By absolute path from a checked %SystemRoot% (common/system-tools.ts), as every system tool.
  const { file, cwd } = systemTool('eventcreate.exe', env);
  return createQueuedSink('event-log', `Application/${WINDOWS_EVENT_SOURCE}`, (event) => runTool(file, eventcreateArgs(event), cwd));
}
