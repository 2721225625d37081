import type { AuditAction } from './audit';

/**
 * The station's events in the operating system's log (the fleet view: IT collects them with its
 * SIEM), with ids that never change meaning: a SIEM rule written for an id keeps working across
 * versions. New events get new ids; an id is never reused. Documented for IT in docs/deploying.md
 * ("SIEM: event ids"). Windows' eventcreate.exe accepts ids 1-1000 only, so every id is in there.
 *
 * 100-199: the station's health. 200-299: audit records, one id per audit action; each carries its
 * position in the audit hash chain and its hash, so a SIEM sees a truncated or rolled-back trail
 * (a position that goes backwards, or a hash it has already seen with another position).
 */
export type OsEventSeverity = 'info' | 'warning' | 'error';

export const HEALTH_EVENTS = {
  'station.start': { id: 100, severity: 'info', text: 'The station started' },
  'station.stop': { id: 101, severity: 'info', text: 'The station stopped' },
  'policy.problem': { id: 110, severity: 'warning', text: 'The machine policy has problems: the station runs with safe values' },
  'cm.reachable': { id: 120, severity: 'info', text: 'CM is reachable' },
  'cm.unreachable': { id: 121, severity: 'warning', text: 'CM is unreachable: operations are queued in the outbox' },
  'cm.sign-in-failed': { id: 130, severity: 'warning', text: 'Signing in to CM failed' },
  'outbox.needs-attention': { id: 140, severity: 'warning', text: 'A queued operation needs a person' },
  'audit.gap': { id: 150, severity: 'error', text: 'The audit trail has a gap' },
} as const satisfies Record<string, { id: number; severity: OsEventSeverity; text: string }>;
export type HealthEventName = keyof typeof HEALTH_EVENTS;

export const AUDIT_EVENT_IDS = {
  'card.inserted': 200,
  'card.removed': 201,
  'bind.requested': 210,
  'bind.queued': 211,
  'bind.deferred': 212,
  'bind.done': 213,
  'bind.failed': 214,
  'retire.requested': 220,
  'retire.queued': 221,
  'retire.deferred': 222,
  'retire.done': 223,
  'retire.failed': 224,
  'outbox.retry': 230,
  'outbox.discard': 231,
  'settings.changed': 240,
  'training.started': 250,
  'training.stopped': 251,
} as const satisfies Record<AuditAction, number>;

/** The application name in syslog and the unified log, and the Windows Event Log source. */
export const OS_LOG_APP_NAME = 'enrollment-station';
export const WINDOWS_EVENT_SOURCE = 'Enrollment Station';
/** RFC 5424 structured-data id (`name@<private enterprise number>`; 32473 is the documentation PEN, RFC 5612). */
export const OS_LOG_SD_ID = 'station@32473';

/** Every id, for the uniqueness test and the documentation table. */
export function allOsEventIds(): number[] {
  return [...Object.values(HEALTH_EVENTS).map((event) => event.id), ...Object.values(AUDIT_EVENT_IDS)];
}
