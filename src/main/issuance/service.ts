import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { type ErrorPayload, StationError, toErrorPayload } from '../../shared/errors';
import type { IssuanceState, IssuanceStep, PinRules } from '../../shared/issuance';
import type { AuditNote, AuditNoteOptions } from '../enrollment';
import type { FlushWhen, JournalRecovery } from '../journal';
import { createListenerSet, loadOnce } from '../common';
import { describeError, listenerErrorsTo, type DiagnosticLog } from '../log';
import { TRANSIENT_CARD, TRANSIENT_CARD_RETRIES } from './classify';
import { checkNewPin } from './pin';
import type { IssuancePorts } from './ports';
import { isFinished, newRecord, type IssuanceRecord, type NewIssuance } from './records';
import { runIssuance, type RunContext } from './runner';
import { openIssuanceStore } from './store';
import { cancellable, NOT_LIVE, viewOf, type LiveIssuance } from './view';

/**
 * The station's issuances: one journal, at most one run per request, each reader showing the
 * issuance of the card it holds (or last held). Runs start from the enrollment (a bind done with
 * issuance planned), from the operator ("Issue now", the CLI), and by themselves when a paused
 * issuance's card is back in any reader or CM answers again.
 */
export interface IssuanceService {
  readonly recovery: JournalRecovery;
  states(): IssuanceState[];
  get(reader: string): IssuanceState;
  /** The record of a request, if the station has one (the CLI resumes by request). */
  record(requestId: string): IssuanceRecord | undefined;
  /** The enrollment bound a card with issuance planned: offer it, or (policy always) run it. */
  bound(input: NewIssuance, mode: 'offer' | 'always'): Promise<IssuanceState>;
  /** A bind with issuance planned is still queued (CM offline) or being sent: what the reader shows meanwhile. */
  binding(reader: string, state: IssuanceState | null): void;
  /** "Issue now": runs the offer, or resumes a paused or failed issuance. */
  start(reader: string): Promise<IssuanceState>;
  skip(reader: string): Promise<IssuanceState>;
  submitPin(reader: string, pin: string, confirm: string): IssuanceState;
  pinSeen(reader: string): IssuanceState;
  cancel(reader: string): Promise<IssuanceState>;
  /** A card was identified in a reader: a paused issuance of that card resumes there. */
  cardSeen(reader: string, cardId: string): void;
  /**
   * Loads the code an issuance runs (the PKI, CM's execution routes) ahead of it, while the operator
   * looks up the request: the first card of the day then does not wait for it. Once per station; a
   * failed load is logged and tried again by the run itself.
   */
  prepare(): void;
  /** CM answers again: issuances paused for CM resume. */
  cmOnline(): void;
  /** Resolves when the request's current run (if any) has ended. */
  settled(requestId: string): Promise<void>;
  subscribe(listener: (state: IssuanceState) => void): () => void;
  close(): Promise<void>;
}

export interface IssuanceServiceDeps {
  /** Folder of `issuance.journal`. */
  dir: string;
  /** null: no CM configured; nothing can be issued. */
  ports: IssuancePorts | null;
  now: () => Date;
  randomBytes?: (size: number) => Buffer;
  audit: (note: AuditNote, options?: AuditNoteOptions) => Promise<void>;
  log: Pick<DiagnosticLog, 'info' | 'warn' | 'error'>;
  activation?: { polls: number; intervalMs: number };
  sleep?: (ms: number) => Promise<void>;
}

interface Waiter<T> {
  resolve: (value: T) => void;
}

export async function openIssuanceService(deps: IssuanceServiceDeps): Promise<IssuanceService> {
  const store = await openIssuanceStore({ dir: deps.dir, nowMs: () => deps.now().getTime(), log: deps.log });
  const listeners = createListenerSet<[IssuanceState]>('issuance', listenerErrorsTo(deps.log));
  /** Which request each reader shows. */
  const current = new Map<string, string>();
  const bindingViews = new Map<string, IssuanceState>();
  const runs = new Map<string, Promise<void>>();
  const live = new Map<string, LiveIssuance>();
  const pinWaiters = new Map<string, Waiter<string> & { rules: PinRules }>();
  const seenWaiters = new Map<string, Waiter<void>>();
  const cancels = new Set<string>();
  const pfxPasswords = new Map<string, string>();
  const randomBytes = deps.randomBytes ?? nodeRandomBytes;
  let closed = false;

  // Each reader shows its latest issuance (a finished one until another card is seen there).
  for (const record of [...store.values()].sort((a, b) => a.updatedAt.localeCompare(b.updatedAt))) {
    if (record.phase !== 'skipped') current.set(record.reader, record.requestId);
  }

  const liveOf = (requestId: string): LiveIssuance => live.get(requestId) ?? NOT_LIVE;
  function view(record: IssuanceRecord): IssuanceState {
    return viewOf(record, liveOf(record.requestId));
  }
  const emit = (state: IssuanceState): void => listeners.emit(state);
  function emitRecord(requestId: string): void {
    const record = store.get(requestId);
    if (record) emit(view(record));
  }
  function setLive(requestId: string, patch: Partial<LiveIssuance>): void {
    live.set(requestId, { ...liveOf(requestId), ...patch });
    emitRecord(requestId);
  }
  function auditLater(note: AuditNote): void {
    deps.audit(note, { background: true }).catch((err: unknown) => deps.log.error('audit.append-failed', err, { action: note.action }));
  }
  function noteFor(record: IssuanceRecord) {
    return { reader: record.reader, cardId: record.cardId, atr: record.atr, requestId: record.requestId, smartcardUuid: record.smartcardUuid };
  }

  async function commit(record: IssuanceRecord, flush: FlushWhen = 'now'): Promise<void> {
    await store.commit(record, flush);
    if (record.phase !== 'skipped') current.set(record.reader, record.requestId);
    emit(view(record));
  }

  function recordAt(reader: string): IssuanceRecord | undefined {
    const requestId = current.get(reader);
    return requestId === undefined ? undefined : store.get(requestId);
  }
  function mustRecordAt(reader: string): IssuanceRecord {
    const record = recordAt(reader);
    if (!record) throw new StationError('WORKFLOW_STATE', 'There is no issuance in this reader.', { reader });
    return record;
  }

  const stepStarted = new Map<string, number>();
  function onStep(record: IssuanceRecord, step: IssuanceStep): void {
    const state = record.steps.find((s) => s.step === step);
    const key = `${record.requestId}:${step}`;
    if (state?.status === 'running') {
      stepStarted.set(key, deps.now().getTime());
      return;
    }
    const started = stepStarted.get(key);
    stepStarted.delete(key);
    const took = started === undefined ? '' : ` in ${deps.now().getTime() - started} ms`;
    auditLater({
      action: 'issuance.step',
      result: state?.status === 'failed' ? 'failed' : 'info',
      ...noteFor(record),
      message: `${step} ${state?.status ?? ''}${took}`,
    });
  }

  function context(ports: IssuancePorts): RunContext {
    return {
      ports,
      commit,
      now: deps.now,
      randomBytes,
      pfxPasswords,
      askPin: (requestId, rules) =>
        new Promise<string>((resolve) => {
          pinWaiters.set(requestId, { resolve, rules });
          setLive(requestId, { pinEntry: { rules, notice: null } });
        }),
      showPin: (requestId, pin) =>
        new Promise<void>((resolve) => {
          seenWaiters.set(requestId, { resolve });
          setLive(requestId, { pinShown: pin });
        }),
      cancelRequested: (requestId) => cancels.has(requestId),
      onStep,
      activation: deps.activation ?? { polls: 5, intervalMs: 1_000 },
      sleep: deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    };
  }

  // A run paused by a transient card error (classify.ts TRANSIENT_CARD) is tried again from the journal.
  const AUTO_RETRY_MS = 300;

  /** The issuance code, loaded once (a failed load is tried again by the next caller). */
  const prepared = loadOnce(async (): Promise<void> => {
    await deps.ports?.prepare?.();
  });

  /** Starts a run unless one is in flight; the run's outcome is on disk and audited when it ends. */
  function launch(record: IssuanceRecord, retry = 0): void {
    if (runs.has(record.requestId) || closed) return;
    const ports = deps.ports;
    const requestId = record.requestId;
    live.set(requestId, { running: true, pinEntry: null, pinShown: null });
    auditLater({ action: 'issuance.started', result: 'info', ...noteFor(record) });
    const run = (async () => {
      if (ports === null) throw new StationError('ISSUANCE_NEEDS_CM', 'No CM server is configured: the card cannot be issued here.');
      await prepared();
      return runIssuance(context(ports), record);
    })()
      .then((final) => {
        cancels.delete(requestId);
        if (final.phase === 'done' || final.phase === 'canceled') pfxPasswords.delete(requestId);
        const result = final.phase === 'done' ? 'ok' : final.phase === 'paused' ? 'queued' : final.phase === 'canceled' ? 'info' : 'failed';
        const action =
          final.phase === 'done'
            ? 'issuance.done'
            : final.phase === 'paused'
              ? 'issuance.paused'
              : final.phase === 'canceled'
                ? 'issuance.canceled'
                : 'issuance.failed';
        auditLater({ action, result, ...noteFor(final), code: final.error?.code ?? null, message: final.error?.message ?? null });
        if (final.phase === 'paused' && final.error !== null && TRANSIENT_CARD.has(final.error.code) && retry < TRANSIENT_CARD_RETRIES) {
          setTimeout(() => {
            const latest = store.get(requestId);
            if (latest?.phase === 'paused') launch(latest, retry + 1);
          }, AUTO_RETRY_MS);
        }
      })
      .catch(async (err: unknown) => {
        // The run could not even record its failure (e.g. the journal refused a write): reported,
        // and kept paused in memory so the screen does not say "running".
        deps.log.error('issuance.run-failed', err, { requestId });
        const latest = store.get(requestId) ?? record;
        const error: ErrorPayload = toErrorPayload(err);
        await commit({ ...latest, phase: 'paused', error, updatedAt: deps.now().toISOString() }).catch((again: unknown) =>
          deps.log.error('issuance.record-failed', again, { requestId }),
        );
        auditLater({ action: 'issuance.failed', result: 'failed', ...noteFor(latest), code: error.code, message: error.message });
      })
      .finally(() => {
        runs.delete(requestId);
        live.delete(requestId);
        pinWaiters.delete(requestId);
        seenWaiters.delete(requestId);
        emitRecord(requestId);
      });
    runs.set(requestId, run);
    emitRecord(requestId);
  }

  function stateAt(reader: string): IssuanceState {
    const record = recordAt(reader);
    if (record) return view(record);
    return bindingViews.get(reader) ?? { phase: 'idle', reader };
  }

  async function moveTo(record: IssuanceRecord, reader: string): Promise<IssuanceRecord> {
    if (record.reader === reader) return record;
    const moved = { ...record, reader, updatedAt: deps.now().toISOString() };
    // The old reader no longer shows it.
    if (current.get(record.reader) === record.requestId) current.delete(record.reader);
    await commit(moved);
    return moved;
  }

  return {
    recovery: store.recovery,
    states() {
      const out = new Map<string, IssuanceState>(bindingViews);
      for (const [reader, requestId] of current) {
        const record = store.get(requestId);
        if (record && record.reader === reader) out.set(reader, view(record));
      }
      return [...out.values()];
    },
    get: stateAt,
    record: (requestId) => store.get(requestId),
    async bound(input, mode) {
      bindingViews.delete(input.reader);
      const existing = store.get(input.requestId);
      if (existing) return view(existing);
      const record = newRecord(input, mode === 'always' ? 'running' : 'offer', deps.now().toISOString());
      // Under `always` the run starts now: shown running from the first record, never "interrupted".
      if (mode === 'always') live.set(record.requestId, { running: true, pinEntry: null, pinShown: null });
      await commit(record);
      auditLater({ action: 'issuance.offered', result: 'info', ...noteFor(record), message: mode === 'always' ? 'issued at once (policy always)' : 'offered' });
      if (mode === 'always') launch(record);
      return view(store.get(record.requestId) ?? record);
    },
    binding(reader, state) {
      if (state === null) bindingViews.delete(reader);
      else bindingViews.set(reader, state);
      emit(state ?? stateAt(reader));
    },
    async start(reader) {
      const record = mustRecordAt(reader);
      if (runs.has(record.requestId)) return view(record);
      if (record.phase === 'done' || record.phase === 'canceled' || record.phase === 'skipped') {
        throw new StationError('WORKFLOW_STATE', `This issuance is ${record.phase}; there is nothing to continue.`, { reader, phase: record.phase });
      }
      launch(record);
      return view(store.get(record.requestId) ?? record);
    },
    async skip(reader) {
      const record = mustRecordAt(reader);
      if (record.phase !== 'offer')
        throw new StationError('WORKFLOW_STATE', 'Only an offered issuance can be skipped ("Bind only").', { reader, phase: record.phase });
      const skipped: IssuanceRecord = { ...record, phase: 'skipped', updatedAt: deps.now().toISOString() };
      await commit(skipped);
      current.delete(reader);
      auditLater({ action: 'issuance.skipped', result: 'info', ...noteFor(record) });
      emit({ phase: 'idle', reader });
      return { phase: 'idle', reader };
    },
    submitPin(reader, pin, confirm) {
      const record = mustRecordAt(reader);
      const waiter = pinWaiters.get(record.requestId);
      if (!waiter) throw new StationError('WORKFLOW_STATE', 'The issuance is not waiting for a PIN.', { reader });
      try {
        checkNewPin(pin, confirm, waiter.rules);
      } catch (err) {
        // The screen stays on the hand-over with the reason; the PIN itself is not kept.
        setLive(record.requestId, { pinEntry: { rules: waiter.rules, notice: toErrorPayload(err) } });
        throw err;
      }
      pinWaiters.delete(record.requestId);
      setLive(record.requestId, { pinEntry: null });
      waiter.resolve(pin);
      return view(store.get(record.requestId) ?? record);
    },
    pinSeen(reader) {
      const record = mustRecordAt(reader);
      const waiter = seenWaiters.get(record.requestId);
      if (!waiter) throw new StationError('WORKFLOW_STATE', 'No PIN is being shown.', { reader });
      seenWaiters.delete(record.requestId);
      // Forgotten here: the proposed PIN is in no state, record or log from now on.
      setLive(record.requestId, { pinShown: null });
      waiter.resolve();
      return view(store.get(record.requestId) ?? record);
    },
    async cancel(reader) {
      const record = mustRecordAt(reader);
      if (record.phase === 'done' || record.phase === 'canceled' || record.phase === 'skipped') {
        throw new StationError('WORKFLOW_STATE', `This issuance is ${record.phase} already.`, { reader });
      }
      if (!cancellable(record)) {
        // cancel-abandon-complete-request.md lets a request be Canceled or Abandoned, but its
        // certificates are issued by now: the station finishes writing them or a person decides.
        throw new StationError('WORKFLOW_STATE', 'CM has issued the certificates already: the issuance can no longer be canceled here.', { reader });
      }
      if (runs.has(record.requestId)) {
        cancels.add(record.requestId);
        return view(record);
      }
      const canceled: IssuanceRecord = { ...record, phase: 'canceled', error: null, updatedAt: deps.now().toISOString() };
      await commit(canceled);
      auditLater({ action: 'issuance.canceled', result: 'info', ...noteFor(record) });
      return view(canceled);
    },
    prepare() {
      if (deps.ports === null || closed) return;
      prepared().catch((err: unknown) => deps.log.warn('issuance.prepare-failed', describeError(err)));
    },
    cardSeen(reader, cardId) {
      for (const record of store.values()) {
        if (record.cardId !== cardId || runs.has(record.requestId)) continue;
        if (record.phase !== 'paused' && record.phase !== 'running') continue;
        moveTo(record, reader)
          .then((moved) => launch(moved))
          .catch((err: unknown) => deps.log.error('issuance.resume-failed', err, { requestId: record.requestId }));
      }
      // Another card in a reader that showed a finished issuance: that result is over.
      const shown = recordAt(reader);
      if (shown && shown.cardId !== cardId && isFinished(shown)) {
        current.delete(reader);
        emit({ phase: 'idle', reader });
      }
    },
    cmOnline() {
      for (const record of store.values()) {
        if (record.phase === 'paused' && record.error?.code === 'ISSUANCE_NEEDS_CM') launch(record);
      }
    },
    settled: async (requestId) => {
      await runs.get(requestId);
    },
    subscribe(listener) {
      return listeners.add(listener);
    },
    async close() {
      closed = true;
      listeners.clear();
      await store.close();
    },
  };
}
