// The fleet view on Linux, against a real receiver: Debian's rsyslogd (imuxsock, what serves
// /dev/log) started in the test namespace. What arrives is what a SIEM collecting syslog sees.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAuditLog } from '../../src/main/audit';
import { auditVerifyAndReport } from '../../src/main/cli/audit-verify';
import { call } from '../../src/main/station/dispatch';
import { createMemoryLog } from '../../src/main/log';
import { logStart } from '../../src/main/log/runtime-events';
import { createOsLog, withOsLog } from '../../src/main/os-log';
import { AUDIT_EVENT_IDS, HEALTH_EVENTS } from '../../src/shared/os-events';
import { auditEntry } from '../support/audit';
import { pollUntil, startRsyslog, type SyslogReceiver } from '../support/rsyslog';
import { testTempDir } from '../support/temp-dir';
import { startTestStation, type TestStation } from '../support/test-station';

// Run (last first) before a test's data folder (testTempDir) goes: onTestFinished runs after afterEach.
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Received {
  pri: number;
  app: string;
  msgid: string;
  sd: Record<string, string>;
  msg: string;
}

/** One RFC 5424 line as rsyslog wrote it: `<PRI>1 TS HOST APP PROCID MSGID [station@32473 k="v" …] MSG`. */
function parse(line: string): Received | null {
  const head = /^<(\d+)>1 \S+ \S+ (\S+) \S+ (\S+) \[station@32473((?: [A-Za-z]+="(?:[^"\\]|\\.)*")*)\] ?(.*)$/.exec(line);
  if (!head) return null;
  const sd: Record<string, string> = {};
  for (const [, name, value] of (head[4] ?? '').matchAll(/ ([A-Za-z]+)="((?:[^"\\]|\\.)*)"/g)) sd[name!] = value!.replace(/\\(.)/g, '$1');
  return { pri: Number(head[1]), app: head[2]!, msgid: head[3]!, sd, msg: head[5] ?? '' };
}

async function receiver(): Promise<SyslogReceiver> {
  const rsyslog = await startRsyslog();
  cleanups.push(() => rsyslog.close());
  return rsyslog;
}

function received(rsyslog: SyslogReceiver): Received[] {
  return rsyslog.lines().flatMap((line) => parse(line) ?? []);
}

describe('OS log on Linux: syslog received by rsyslogd', () => {
  it('every audit record arrives with its event id, chain position and hash; health events with theirs', async () => {
    const rsyslog = await receiver();
    const sink = createOsLog('linux', { syslogSocket: rsyslog.socketPath });
    expect(sink.status()).toMatchObject({ sink: 'syslog', target: rsyslog.socketPath });
    const memory = createMemoryLog();
    const log = withOsLog(memory, sink);
    const t: TestStation = await startTestStation({ log, osLog: sink });
    cleanups.push(() => t.close());
    logStart(log, { version: '0.0.0-test', mode: 'real', settings: await call(t.station.handlers, 'settings.get', {}) });
    await call(t.station.handlers, 'settings.update', { readerExclude: ['*B'] });
    await call(t.station.handlers, 'settings.update', { locale: 'fr' });
    await pollUntil(() => received(rsyslog).filter((r) => r.msgid === 'audit.settings.changed').length === 2, 10_000, 'two audit records in syslog');

    const all = received(rsyslog);
    const start = all.find((r) => r.msgid === 'station.start');
    expect(start).toMatchObject({ app: 'enrollment-station', sd: { eventId: String(HEALTH_EVENTS['station.start'].id), mode: 'real' } });
    // local0 (16) * 8 + info (6)
    expect(start?.pri).toBe(16 * 8 + 6);

    const audits = all.filter((r) => r.msgid === 'audit.settings.changed');
    const entries = (await call(t.station.handlers, 'audit.query', {})).filter((e) => e.action === 'settings.changed');
    const integrity = (await call(t.station.handlers, 'diagnostics.run', {})).auditTrail;
    expect(audits.map((r) => r.sd.eventId)).toEqual([String(AUDIT_EVENT_IDS['settings.changed']), String(AUDIT_EVENT_IDS['settings.changed'])]);
    expect(audits.map((r) => r.sd.auditId)).toEqual(entries.map((e) => e.id));
    // Position 1 is the genesis; the two entries follow, the second's hash is the chain head.
    expect(audits.map((r) => r.sd.position)).toEqual(['2', '3']);
    expect(audits[1]?.sd.hash).toBe(integrity?.head);
    expect(audits[0]?.sd.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(audits[0]?.sd.actor).toBe('tester');
    expect(sink.status()).toMatchObject({ failed: 0, dropped: 0 });
  });

  it('an audit gap (the anchor deleted) reaches syslog as event 150, with the gap kind', async () => {
    const rsyslog = await receiver();
    const dataDir = testTempDir('oslog-');
    const first = await startTestStation({ dataDir });
    await call(first.station.handlers, 'settings.update', { locale: 'fr' });
    await first.close();
    rmSync(join(dataDir, 'audit.head'));

    const sink = createOsLog('linux', { syslogSocket: rsyslog.socketPath });
    const second = await startTestStation({ log: withOsLog(createMemoryLog(), sink), osLog: sink, dataDir });
    cleanups.push(() => second.close());
    await pollUntil(() => received(rsyslog).some((r) => r.msgid === 'audit.gap'), 10_000, 'the audit gap in syslog');
    const gap = received(rsyslog).find((r) => r.msgid === 'audit.gap');
    expect(gap).toMatchObject({ sd: { eventId: '150', gap: 'anchor-missing' } });
    // local0 * 8 + err (3)
    expect(gap?.pri).toBe(16 * 8 + 3);
    expect(gap?.msg).toContain('The audit trail has a gap');
  });

  it('`audit verify` finding a gap also reports it to syslog (150), with the same exit code', async () => {
    const rsyslog = await receiver();
    const dataDir = testTempDir('oslog-verify-');
    const audit = await createAuditLog({ dir: join(dataDir, 'audit'), anchorPath: join(dataDir, 'audit.head'), now: () => new Date() });
    await audit.append(auditEntry('Changed: locale', { actor: 'tester', action: 'settings.changed', reader: null }));
    await audit.close();
    expect((await auditVerifyAndReport(dataDir, createOsLog('linux', { syslogSocket: rsyslog.socketPath }))).exit).toBe(0);
    rmSync(join(dataDir, 'audit.head'));
    const outcome = await auditVerifyAndReport(dataDir, createOsLog('linux', { syslogSocket: rsyslog.socketPath }));
    expect(outcome.exit).toBe(1);
    await pollUntil(() => received(rsyslog).some((r) => r.msgid === 'audit.gap'), 10_000, 'the gap from audit verify');
    expect(received(rsyslog).filter((r) => r.msgid === 'audit.gap')).toEqual([
      expect.objectContaining({ sd: expect.objectContaining({ eventId: '150', gap: 'anchor-missing' }), msg: expect.stringContaining('audit verify') }),
    ]);
  });

  it('a missing syslog socket never fails the station: events are counted as failed and reported', async () => {
    const rsyslog = await receiver();
    const sink = createOsLog('linux', { syslogSocket: rsyslog.socketPath });
    await rsyslog.close();
    cleanups.pop();
    const t = await startTestStation({ log: withOsLog(createMemoryLog(), sink), osLog: sink });
    cleanups.push(() => t.close());
    await call(t.station.handlers, 'settings.update', { locale: 'fr' });
    await sink.flush(5_000);
    const report = await call(t.station.handlers, 'diagnostics.run', {});
    expect(report.osLog).toMatchObject({ sink: 'syslog', written: 0, failed: 1 });
    expect(report.osLog?.lastError).toMatch(/logger/);
  });
});
