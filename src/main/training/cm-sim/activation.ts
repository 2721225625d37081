import { reportFailure } from '../../common';
import type { ApiAnswer } from './api';
import { normalizeGuid } from './state';

export interface ActivationSchedule {
  /** After a bind (`POST /smartcards` answered 201), activates the new card later, when training asks for it. */
  afterBind(answer: ApiAnswer): void;
  /** Drops every activation not yet done (reset, close). */
  cancelAll(): void;
}

/**
 * Training: a newly assigned card becomes Active `afterMs` after the bind, as if a CM client had
 * written it. null: only the admin `activate` does that.
 */
export function scheduleActivations(deps: {
  afterMs: number | null;
  /** True while the station itself executes at the desk what this card was bound for (execution/handle.ts). */
  executing: (uuid: string) => boolean;
  activate: (smartcardUuid: string) => Promise<boolean>;
}): ActivationSchedule {
  const timers = new Set<ReturnType<typeof setTimeout>>();
  return {
    afterBind(answer) {
      const after = deps.afterMs;
      if (after === null || answer.status !== 201 || typeof answer.json !== 'string') return;
      const uuid = normalizeGuid(answer.json.split('/').at(-1) ?? '');
      if (uuid === null) return;
      const timer = setTimeout(() => {
        timers.delete(timer);
        // The station itself is executing the request at the desk: it, not this stand-in, completes it.
        if (deps.executing(uuid)) return;
        deps.activate(uuid).catch(reportFailure('CM simulator: activation'));
      }, after);
      timers.add(timer);
    },
    cancelAll() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
