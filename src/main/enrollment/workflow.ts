import type { CardReading, EnrollmentState } from '../../shared/enrollment';
import { createListenerSet } from '../common';
import { listenerErrorsTo } from '../log';
import { createCardSession } from './card-session';
import { checkChoice } from './choice';
import { createConfirmation } from './confirmation';
import { type EnrollmentEvent, initialState, transition } from './machine';
import type { AuditNote, WorkflowDeps, WorkflowEvent } from './ports';

export type { AuditNote, AuditNoteOptions, CardSource, WorkflowDeps, WorkflowEvent, WorkflowOutbox } from './ports';

export interface EnrollmentWorkflow {
  states(): EnrollmentState[];
  cards(): CardReading[];
  readCard(reader: string): Promise<CardReading>;
  choose(reader: string, requestId: string, replaceSmartcardUuid: string | null, acceptUnconfirmedType?: boolean): Promise<EnrollmentState>;
  confirm(reader: string): Promise<EnrollmentState>;
  reset(reader: string): EnrollmentState;
  subscribe(listener: (event: WorkflowEvent) => void): () => void;
  close(): void;
}

/**
 * Runs one enrollment per reader (design.md section 1) on top of the pure state machine
 * (machine.ts): the card session (card-session.ts) feeds it the monitor's card events and CM's
 * answers, the choice (choice.ts) and the confirmation (confirmation.ts) the operator's actions and
 * the outbox's outcomes. This module holds each reader's state, the one way it changes (`apply`),
 * and the wiring; every new state is published.
 */
export function createEnrollmentWorkflow(deps: WorkflowDeps): EnrollmentWorkflow {
  const states = new Map<string, EnrollmentState>();
  const listeners = createListenerSet<[WorkflowEvent]>('enrollment workflow', listenerErrorsTo(deps.log));
  const publish = (event: WorkflowEvent): void => listeners.emit(event);

  function stateOf(reader: string): EnrollmentState {
    return states.get(reader) ?? initialState(reader);
  }

  /**
   * The only way a state changes: through the machine, then published. Never throws for events
   * that arrive on their own: a stale one (an old lookup, a removed card, a confirmation's answer
   * after the card changed) is dropped and logged. An operator's action the step cannot take is
   * thrown to that operator's call.
   */
  function apply(reader: string, event: EnrollmentEvent): EnrollmentState {
    const before = stateOf(reader);
    const result = transition(before, event);
    if (result.kind === 'refused') throw result.error;
    if (result.kind === 'dropped') {
      deps.log.info('enrollment.event-dropped', { reader, step: before.step, eventType: event.type, reason: result.reason });
      return before;
    }
    states.set(reader, result.state);
    if (result.state !== before) publish({ type: 'enrollment', state: result.state });
    return result.state;
  }

  /** Audit records are awaited where the operator waits on them; elsewhere a failure is logged. */
  function auditInBackground(note: AuditNote): void {
    deps.audit(note, { background: true }).catch((err: unknown) => deps.log.error('audit.append-failed', err, { action: note.action }));
  }

  const session = createCardSession({
    ...deps,
    apply,
    auditInBackground,
    publishCard: (reader, reading) => publish({ type: 'card', reader, reading }),
    readerSeen(reader) {
      if (states.has(reader)) return;
      states.set(reader, initialState(reader));
      publish({ type: 'enrollment', state: stateOf(reader) });
    },
    readers: () => [...states.keys()],
    // A submitted enrollment goes on in the outbox; one not yet submitted leaves with its reader.
    readerGone(reader) {
      const step = stateOf(reader).step;
      if (step === 'waiting' || step === 'reading' || step === 'card-read' || step === 'request-chosen') states.delete(reader);
    },
  });
  const confirmation = createConfirmation({
    ...deps,
    apply,
    stateOf,
    states: () => states.values(),
    auditInBackground,
    bound: (reader) => session.refreshCmKnowledge(reader),
  });

  const unsubscribeCards = deps.cards.subscribe(session.onSnapshot);
  const unsubscribeOutbox = deps.outbox.subscribe(confirmation.onOperation);
  session.onSnapshot(deps.cards.snapshot());

  return {
    states: () => [...states.values()],
    cards: () => session.readings(),
    readCard: (reader) => session.readCard(reader),
    async choose(reader, requestId, replaceSmartcardUuid, acceptUnconfirmedType = false) {
      const chosen = await checkChoice(deps, stateOf(reader), { reader, requestId, replaceSmartcardUuid, acceptUnconfirmedType });
      return apply(reader, chosen);
    },
    confirm: (reader) => confirmation.confirm(reader),
    reset: (reader) => apply(reader, { type: 'reset', card: session.reading(reader) ?? null }),
    subscribe: (listener) => listeners.add(listener),
    close() {
      unsubscribeCards();
      unsubscribeOutbox();
      listeners.clear();
    },
  };
}
