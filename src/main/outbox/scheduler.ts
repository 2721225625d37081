import type { OutboxOperation } from '../../shared/outbox';
import type { OperationStore } from './operation-store';
import { createWakeTimer, type Timers } from './wake-timer';
import { reportFailure } from '../common';

/**
 * When operations are sent: due ones (back-off over, queue not paused) up to `concurrency` CM calls
 * at once, a retire only after the binds of its request queued before it, nothing while offline or
 * stopped unless forced (replayNow). One wake timer aimed at the next due moment: no polling.
 * Knows nothing of CM: `attempt` carries an operation out.
 */
export interface SchedulerDeps {
  store: OperationStore;
  /** Operations with a transition under way (shared with the operator's actions). */
  busy: Set<string>;
  concurrency: number;
  nowMs: () => number;
  timers: Timers;
  /** False once the outbox failed or is closing: nothing more is started. */
  mayRun: () => boolean;
  /** Why a forced pass failed (the outbox's fatal error), or null. */
  failure: () => Error | null;
  /**
   * Carry one operation out (it is marked busy). Once 'sending' is on disk, await `takeSlot`: true,
   * the operation holds a CM slot and may be sent; false, it must not be sent and goes back to
   * pending durably (paused, offline, stopped). Call `answered` once CM has answered, with how the
   * line looks: the slot is freed and a pause applied before the next send.
   */
  attempt(op: OutboxOperation, takeSlot: () => Promise<boolean>, answered: (connection: Connection) => void): Promise<void>;
}

export type Connection = { kind: 'answered' } | { kind: 'unchanged' } | { kind: 'pause-until'; at: number };

export interface Scheduler {
  pump(): void;
  setOnline(online: boolean): void;
  start(): void;
  stop(): void;
  /** The operator asks for a send now: lift a connectivity pause. */
  unpause(): void;
  /** Everything pending now, ignoring back-off and the offline flag; resolves when nothing is due. */
  replayNow(): Promise<void>;
  /** Resolves once nothing is busy. */
  idle(): Promise<void>;
}

export function createScheduler(deps: SchedulerDeps): Scheduler {
  const { store, busy, nowMs } = deps;
  const concurrency = Math.max(1, Math.floor(deps.concurrency));
  /** Operations holding a CM slot: until CM has answered. */
  let inFlight = 0;
  /**
   * Operations started while every slot was taken: their 'sending' record is written while the
   * calls in flight wait on CM, so that flush is not paid inside a slot (issue 19 item 7, replay).
   * At most `concurrency` of them; each waits in `slotQueue` once on disk.
   */
  let early = 0;
  const slotQueue: Array<(granted: boolean) => void> = [];
  let started = false;
  let online = true;
  /** After a connectivity failure nothing is sent before this instant (epoch ms). */
  let pausedUntil: number | null = null;
  /** Operations last changed at or before this change number are due now (set by replayNow). */
  let replayFloor = -1;
  const replayWaiters: Array<() => void> = [];
  const drainWaiters: Array<() => void> = [];
  const timer = createWakeTimer(deps.timers, nowMs, () => pump());

  /** A retire waits for binds of its request queued before it; a later bind does not hold it back. */
  function waitsForBind(retire: OutboxOperation): boolean {
    for (const id of store.idsOfRequest(retire.requestId)) {
      if (id === retire.id) return false;
      const op = store.get(id);
      if (op?.kind === 'bind' && (op.state === 'pending' || op.state === 'sending' || op.state === 'needs-attention')) {
        return true;
      }
    }
    return false;
  }

  /** One scheduling pass: start what is due (up to the concurrency bound), aim the timer at the rest. */
  function pump(): void {
    const forced = replayWaiters.length > 0;
    const now = nowMs();
    if (pausedUntil !== null && now >= pausedUntil) pausedUntil = null;
    const mayDispatch = deps.mayRun() && (forced || (started && online));
    // Operations already marked sending come first; none may be sent while paused, offline or stopped.
    while (slotQueue.length > 0 && (!mayDispatch || pausedUntil !== null || inFlight < concurrency)) {
      const grant = slotQueue.shift()!;
      grant(mayDispatch && pausedUntil === null);
    }
    let wakeAt: number | null = null;
    let slotsFull = false;
    if (mayDispatch) {
      for (const op of store.values()) {
        if (op.state !== 'pending' || busy.has(op.id)) continue;
        if (op.kind === 'retire' && waitsForBind(op)) continue; // woken when the bind settles
        const due = store.dueTime(op, replayFloor);
        if (pausedUntil === null && due <= now) {
          // A free slot goes to an operation already being marked first: sent in the order queued.
          if (inFlight + early >= concurrency) {
            if (early < concurrency) {
              dispatch(op, false);
              continue;
            }
            slotsFull = true; // a finishing call pumps again
            break;
          }
          dispatch(op, true);
        } else {
          wakeAt = Math.min(wakeAt ?? Infinity, Math.max(due, pausedUntil ?? -Infinity));
        }
      }
    }
    timer.armAt(mayDispatch && !forced && !slotsFull ? wakeAt : null);

    if (busy.size === 0) {
      for (const resolve of drainWaiters.splice(0)) resolve();
      if (forced) {
        // The forced pass is over; the next pass arms the timer for what is left.
        for (const resolve of replayWaiters.splice(0)) resolve();
        pump();
      }
    }
  }

  /** `withSlot`: a slot is free and taken now; otherwise the operation waits for one once on disk. */
  function dispatch(op: OutboxOperation, withSlot: boolean): void {
    busy.add(op.id);
    let holdsSlot = withSlot;
    if (withSlot) inFlight++;
    else early++;
    const takeSlot = (): Promise<boolean> => {
      if (holdsSlot) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        slotQueue.push((granted) => {
          early--;
          if (granted) {
            holdsSlot = true;
            inFlight++;
          }
          resolve(granted);
        });
        pump();
      });
    };
    const releaseSlot = (): void => {
      if (!holdsSlot) return;
      holdsSlot = false;
      inFlight--;
      pump();
    };
    const answered = (connection: Connection): void => {
      // Before the slot is released: a connectivity failure must pause the queue before the
      // next operation can start.
      if (connection.kind === 'answered') pausedUntil = null;
      if (connection.kind === 'pause-until') pausedUntil = Math.max(pausedUntil ?? 0, connection.at);
      // The slot bounds CM calls; recording the outcome need not hold it.
      releaseSlot();
    };
    deps
      .attempt(op, takeSlot, answered)
      .catch(reportFailure('outbox: attempt'))
      .finally(() => {
        busy.delete(op.id);
        releaseSlot();
        pump();
      });
  }

  return {
    pump,
    setOnline(value) {
      online = value;
      if (value) pausedUntil = null;
      pump();
    },
    start() {
      started = true;
      pump();
    },
    stop() {
      started = false;
      pump();
    },
    unpause() {
      pausedUntil = null;
    },
    replayNow() {
      replayFloor = store.changeCount;
      pausedUntil = null;
      return new Promise<void>((resolve, reject) => {
        replayWaiters.push(() => {
          const failure = deps.failure();
          if (failure === null) resolve();
          else reject(failure);
        });
        pump();
      });
    },
    idle() {
      return new Promise<void>((resolve) => {
        drainWaiters.push(resolve);
        pump();
      });
    },
  };
}
