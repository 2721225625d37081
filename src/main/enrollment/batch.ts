import type { BatchState, EnrollmentState } from '../../shared/enrollment';
import { toErrorPayload } from '../../shared/errors';
import { createListenerSet, type ListenerErrorReporter } from '../common';
import { isSubmitted } from './machine';
import type { EnrollmentWorkflow } from './workflow';
import { reportFailure } from '../common';

export interface Batch {
  state(): BatchState;
  set(requestIds: readonly string[]): BatchState;
  clear(): BatchState;
  subscribe(listener: (state: BatchState) => void): () => void;
  close(): void;
}

const EMPTY: BatchState = { pending: [], reserved: [], submitted: [], skipped: [] };

/**
 * Bulk mode on top of the workflow: whenever a reader has a freshly read card and nothing chosen,
 * it gets the next request of the batch that no other reader holds. Nothing is bound without the
 * operator's confirmation; the batch only saves the search and the choice.
 */
export function createBatch(workflow: EnrollmentWorkflow, onListenerError: ListenerErrorReporter): Batch {
  let state: BatchState = EMPTY;
  const listeners = createListenerSet<[BatchState]>('batch', onListenerError);
  const publish = (next: BatchState): BatchState => {
    state = next;
    listeners.emit(state);
    return state;
  };
  /** Readers we are choosing for right now (choose is async: do not choose twice). */
  const choosing = new Set<string>();

  function onEnrollment(s: EnrollmentState): void {
    const held = state.reserved.find((r) => r.reader === s.reader);
    if (held) {
      if (isSubmitted(s)) {
        if (s.request.uuid !== held.requestId) {
          // The operator went back and bound another request by hand: this one is still to do.
          publish({ ...state, reserved: state.reserved.filter((r) => r !== held) });
          return;
        }
        publish({
          ...state,
          pending: state.pending.filter((id) => id !== held.requestId),
          reserved: state.reserved.filter((r) => r !== held),
          submitted: [...state.submitted, held.requestId],
        });
      } else if (s.step === 'waiting' || s.step === 'reading') {
        // The card left before the bind: the request goes back to the front of the line.
        publish({ ...state, reserved: state.reserved.filter((r) => r !== held) });
      }
      return;
    }
    if (s.step !== 'card-read' || s.notice || s.card.identifier.kind === 'none' || s.card.cm.state === 'asking') return;
    advance(s.reader).catch(reportFailure('bulk mode: next choice'));
  }

  async function advance(reader: string): Promise<void> {
    if (choosing.has(reader)) return;
    const taken = new Set(state.reserved.map((r) => r.requestId));
    const next = state.pending.find((id) => !taken.has(id));
    if (!next) return;
    choosing.add(reader);
    publish({ ...state, reserved: [...state.reserved, { reader, requestId: next }] });
    try {
      await workflow.choose(reader, next, null);
    } catch (err) {
      const error = toErrorPayload(err);
      publish({
        ...state,
        pending: state.pending.filter((id) => id !== next),
        reserved: state.reserved.filter((r) => r.requestId !== next),
        skipped: [...state.skipped, { requestId: next, reason: error.message, code: error.code, ...(error.params ? { params: error.params } : {}) }],
      });
      choosing.delete(reader);
      // The card is still there: offer it the request after the one that failed.
      const now = workflow.states().find((w) => w.reader === reader);
      if (now) onEnrollment(now);
      return;
    }
    choosing.delete(reader);
  }

  const unsubscribe = workflow.subscribe((event) => {
    if (event.type === 'enrollment') onEnrollment(event.state);
  });

  return {
    state: () => state,
    set(requestIds) {
      publish({ ...EMPTY, pending: [...new Set(requestIds)] });
      // Cards already waiting in a reader start at once.
      for (const s of workflow.states()) onEnrollment(s);
      return state;
    },
    clear: () => publish(EMPTY),
    subscribe: (listener) => listeners.add(listener),
    close() {
      unsubscribe();
      listeners.clear();
    },
  };
}
