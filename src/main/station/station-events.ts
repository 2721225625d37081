// What the station's parts report to the diagnostic log, each turned into one entry here so the
// parts themselves stay free of logging: CM call outcomes (the client's `onCall`), outbox state
// changes (the outbox's listeners), PC/SC service transitions (the monitor's snapshots) and journal
// repairs found at start-up (the journals' recovery reports).
import type { ConnectionState } from '../../shared/contract';
import type { OutboxOperation, OutboxState } from '../../shared/outbox';
import type { ReadersSnapshot, ServiceState } from '../../shared/readers';
import type { CmCallOutcome } from '../cm';
import type { JournalRecovery } from '../journal';
import type { DiagnosticLog } from '../log';

/** `cm.call`: route template, status, latency, correlation id; a failure or a server error is a warning. */
export function logCmCalls(log: DiagnosticLog): (outcome: CmCallOutcome) => void {
  return (outcome) => {
    const fields = { ...outcome };
    if (outcome.status === null || outcome.status >= 500) log.warn('cm.call', fields);
    else log.info('cm.call', fields);
  };
}

/**
 * `outbox.transition` for each state change (operation id, kind, from, to, attempts, error code).
 * Card ids, ATRs and readers stay out: the operation id finds them in the outbox itself.
 */
export function logOutboxTransitions(log: DiagnosticLog, initial: readonly OutboxOperation[]): (op: OutboxOperation) => void {
  const last = new Map<string, OutboxState>(initial.map((op) => [op.id, op.state]));
  return (op) => {
    const from = last.get(op.id) ?? null;
    last.set(op.id, op.state);
    if (from === op.state) return;
    const fields = { operationId: op.id, kind: op.kind, from, to: op.state, attempts: op.attempts, errorCode: op.lastError?.code ?? null };
    if (op.state === 'needs-attention') log.warn('outbox.transition', fields);
    else log.info('outbox.transition', fields);
  };
}

/** `pcsc.service`: the smart card service went up, down, or came back (`recovered`). */
export function logServiceTransitions(log: DiagnosticLog): (snapshot: ReadersSnapshot) => void {
  let last: ServiceState | null = null;
  let wasDown = false;
  return ({ service }) => {
    if (service === last) return;
    const from = last;
    last = service;
    if (service === 'down') {
      wasDown = true;
      log.warn('pcsc.service', { from, to: 'down' });
    } else if (service === 'up' && wasDown) {
      wasDown = false;
      log.info('pcsc.service', { from, to: 'recovered' });
    } else {
      log.info('pcsc.service', { from, to: service });
    }
  };
}

/** `journal.repaired`: an unfinished append cut off at start-up (it was never acknowledged). */
export function logJournalRecovery(log: DiagnosticLog, journal: string, recovery: JournalRecovery): void {
  const tail = recovery.truncatedTail;
  if (tail === null) return;
  log.warn('journal.repaired', { journal, offset: tail.offset, droppedBytes: tail.droppedBytes, reason: tail.reason });
}

/** `cm.connection`: online ↔ offline (with the reason), as the operator's status bar shows it. */
export function logConnectionChanges(log: DiagnosticLog): (state: ConnectionState) => void {
  let last: ConnectionState['mode'] | null = null;
  return (state) => {
    if (state.mode === last) return;
    const from = last;
    last = state.mode;
    if (state.mode === 'offline') log.warn('cm.connection', { from, to: 'offline', reason: state.reason });
    else log.info('cm.connection', { from, to: state.mode });
  };
}
