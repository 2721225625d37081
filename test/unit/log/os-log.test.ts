import { describe, expect, it } from 'vitest';
import { eventcreateArgs } from '../../../src/main/os-log/eventlog-windows';
import { healthToOsLog } from '../../../src/main/os-log/events';
import { createQueuedSink, type OsLogEvent } from '../../../src/main/os-log/sink';
import { loggerArgs } from '../../../src/main/os-log/syslog-linux';
import { macLoggerArgs } from '../../../src/main/os-log/unified-macos';
import { AUDIT_ACTIONS } from '../../../src/shared/audit';
import { allOsEventIds, AUDIT_EVENT_IDS } from '../../../src/shared/os-events';

const event: OsLogEvent = {
  id: 213,
  name: 'audit.bind.done',
  severity: 'info',
  message: 'audit bind.done ok',
  data: { eventId: '213', position: '7', hash: 'ab'.repeat(32), note: 'a "quoted" ]value\\' },
};

describe('OS log event ids', () => {
  it("are unique, within eventcreate.exe's 1-1000, one per audit action", () => {
    const ids = allOsEventIds();
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id >= 1 && id <= 1000).toBe(true);
    expect(Object.keys(AUDIT_EVENT_IDS).sort()).toEqual([...AUDIT_ACTIONS].sort());
  });

  it('health events are read off the diagnostic log entries that stand for them', () => {
    expect(healthToOsLog('station.start', { mode: 'real', version: '1.0.0', policyProblems: 'cmTimeoutMs: not a number' }).map((e) => [e.id, e.name])).toEqual([
      [100, 'station.start'],
      [110, 'policy.problem'],
    ]);
    expect(healthToOsLog('cm.connection', { from: 'online', to: 'offline', reason: 'CM_OFFLINE' })[0]).toMatchObject({ id: 121, severity: 'warning' });
    expect(healthToOsLog('cm.connection', { from: 'offline', to: 'online' })[0]).toMatchObject({ id: 120 });
    expect(healthToOsLog('cm.call', { route: 'GET /requests/{id}', status: 401 })[0]).toMatchObject({ id: 130 });
    expect(healthToOsLog('cm.call', { route: 'GET /requests/{id}', status: 200 })).toEqual([]);
    expect(healthToOsLog('outbox.transition', { operationId: 'x', kind: 'bind', to: 'needs-attention' })[0]).toMatchObject({ id: 140 });
    expect(healthToOsLog('outbox.transition', { operationId: 'x', kind: 'bind', to: 'done' })).toEqual([]);
    expect(healthToOsLog('audit.gap', { problem: 'p', gap: 'tail-cut' })[0]).toMatchObject({ id: 150, severity: 'error', data: { gap: 'tail-cut' } });
    // Free text is redacted by value like every log line.
    expect(healthToOsLog('cm.connection', { to: 'offline', reason: 'no ticket for ana@CORP.EXAMPLE' })[0]?.message).not.toContain('ana@');
  });
});

describe('OS log writers', () => {
  it('syslog: RFC 5424 structured data with escaped values, local0, the app name, through --socket', () => {
    const args = loggerArgs('/dev/log', event);
    expect(args.slice(0, 4)).toEqual(['--socket-errors=on', '--socket', '/dev/log', '--rfc5424=notq']);
    expect(args).toEqual(
      expect.arrayContaining(['--tag', 'enrollment-station', '--priority', 'local0.info', '--msgid', 'audit.bind.done', '--sd-id', 'station@32473']),
    );
    expect(args).toContain('note="a \\"quoted\\" \\]value\\\\"');
    expect(args.slice(-2)).toEqual(['--', 'audit bind.done ok']);
  });

  it('macOS unified log and Windows Event Log: the fields as key=value after the message', () => {
    expect(macLoggerArgs(event).at(-1)).toMatch(/^eventId=213 position=7 hash=(ab){32} note="a \\"quoted\\" ]value\\\\" audit bind.done ok$/);
    const win = eventcreateArgs({ ...event, severity: 'warning' });
    expect(win.slice(0, 8)).toEqual(['/L', 'APPLICATION', '/SO', 'Enrollment Station', '/T', 'WARNING', '/ID', '213']);
  });

  it('is best-effort: a failing or full OS log is counted, never thrown, never awaited', async () => {
    let release: () => void = () => undefined;
    const calls: number[] = [];
    const sink = createQueuedSink(
      'syslog',
      'test',
      async (e) => {
        calls.push(e.id);
        if (e.id === 1) await new Promise<void>((done) => (release = done));
        if (e.id === 2) throw new Error('socket refused');
      },
      2,
    );
    sink.write({ ...event, id: 1 });
    sink.write({ ...event, id: 2 });
    sink.write({ ...event, id: 3 });
    sink.write({ ...event, id: 4 });
    // One in flight, two queued, the fourth dropped.
    expect(sink.status()).toMatchObject({ queued: 2, dropped: 1 });
    release();
    await sink.flush(1_000);
    expect(calls).toEqual([1, 2, 3]);
    expect(sink.status()).toMatchObject({ written: 2, failed: 1, dropped: 1, queued: 0, lastError: 'socket refused' });
  });
});
