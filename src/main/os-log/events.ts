// What goes to the OS log, and with which id (src/shared/os-events.ts): every audit record (from
// the audit log's `onRecorded`, with its chain position and hash) and the station's health events,
// which are read off the diagnostic log's entries (the one place the station already reports
// them) by withOsLog, so no part of the station needs to know the OS log exists.
import type { AuditEntry } from '../../shared/audit';
import { AUDIT_EVENT_IDS, HEALTH_EVENTS, type HealthEventName } from '../../shared/os-events';
import type { DiagnosticLog, LogFields } from '../log';
import { describeError, redactCardId, redactText } from '../log';
import type { OsLogEvent, OsLogSink } from './sink';

type Fields = LogFields | undefined;

function healthEvent(name: HealthEventName, detail: string | null, data: Record<string, string | null | undefined> = {}): OsLogEvent {
  const spec = HEALTH_EVENTS[name];
  const fields: Record<string, string> = { eventId: String(spec.id) };
  for (const [key, value] of Object.entries(data)) if (value !== null && value !== undefined) fields[key] = redactText(value);
  return { id: spec.id, name, severity: spec.severity, message: detail ? `${spec.text}: ${redactText(detail)}` : spec.text, data: fields };
}

const text = (value: unknown): string | null => (typeof value === 'string' || typeof value === 'number' ? String(value) : null);

/** The health events one diagnostic-log entry stands for (most stand for none). */
export function healthToOsLog(event: string, fields: Fields): OsLogEvent[] {
  const f = fields ?? {};
  switch (event) {
    case 'station.start': {
      const start = healthEvent('station.start', `${text(f.mode) ?? ''} mode, version ${text(f.version) ?? '?'}`, {
        mode: text(f.mode),
        version: text(f.version),
        policyChannel: text(f.policyChannel),
      });
      const problems = text(f.policyProblems);
      return problems ? [start, healthEvent('policy.problem', problems, { policySource: text(f.policySource) })] : [start];
    }
    case 'station.stop':
      return [healthEvent('station.stop', null, { mode: text(f.mode) })];
    case 'cm.connection':
      if (f.to === 'offline') return [healthEvent('cm.unreachable', text(f.reason), { reason: text(f.reason) })];
      if (f.to === 'online') return [healthEvent('cm.reachable', null)];
      return [];
    case 'cm.call':
      // 401 after the Negotiate exchange, or the transport's own verdict: the station could not sign in.
      if (f.status === 401 || f.errorCode === 'CM_AUTH_FAILED') {
        return [healthEvent('cm.sign-in-failed', text(f.route), { route: text(f.route), status: text(f.status), correlationId: text(f.correlationId) })];
      }
      return [];
    case 'outbox.transition':
      if (f.to !== 'needs-attention') return [];
      return [
        healthEvent('outbox.needs-attention', `${text(f.kind) ?? ''} ${text(f.operationId) ?? ''}`.trim(), {
          operationId: text(f.operationId),
          kind: text(f.kind),
          errorCode: text(f.errorCode),
        }),
      ];
    case 'audit.gap':
      return [healthEvent('audit.gap', text(f.problem), { gap: text(f.gap) })];
    default:
      return [];
  }
}

/** The same diagnostic log, whose health entries are also written to the OS log. */
export function withOsLog(log: DiagnosticLog, sink: OsLogSink): DiagnosticLog {
  const copy = (event: string, fields: Fields) => {
    for (const osEvent of healthToOsLog(event, fields)) sink.write(osEvent);
  };
  return {
    info: (event, fields) => {
      log.info(event, fields);
      copy(event, fields);
    },
    warn: (event, fields) => {
      log.warn(event, fields);
      copy(event, fields);
    },
    error: (event, error, fields) => {
      log.error(event, error, fields);
      copy(event, { ...fields, ...describeError(error) });
    },
    close: async () => {
      // station.stop was just queued: give it a moment to reach the OS log before the process ends.
      await sink.flush();
      await log.close();
    },
  };
}

/**
 * The OS-log copy of each audit record: its id by action, and its position in the hash chain and
 * its hash, so a SIEM sees records cut off or rolled back. Card ids keep their last 4 hex digits
 * (as in every log); the operator's account stays (the SIEM is where IT audits who did what).
 */
export function auditToOsLog(sink: OsLogSink): (entry: AuditEntry, position: number, hash: string) => void {
  return (entry, position, hash) => {
    const id = AUDIT_EVENT_IDS[entry.action];
    const data: Record<string, string> = {
      eventId: String(id),
      position: String(position),
      hash,
      auditId: entry.id,
      action: entry.action,
      result: entry.result,
    };
    const optional = {
      actor: entry.actor,
      requestId: entry.requestId,
      smartcardUuid: entry.smartcardUuid,
      code: entry.code,
      correlationId: entry.correlationId,
    };
    for (const [key, value] of Object.entries(optional)) if (value !== null) data[key] = value;
    if (entry.cardId !== null) data.cardId = redactCardId(entry.cardId);
    const message = `audit ${entry.action} ${entry.result}${entry.message ? `: ${redactText(entry.message)}` : ''}`;
    sink.write({ id, name: `audit.${entry.action}`, severity: entry.result === 'failed' ? 'warning' : 'info', message, data });
  };
}
