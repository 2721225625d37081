import type { AuditEntryInput } from '../../shared/audit';
import type { CmRequest, CmSmartcard } from '../../shared/cm';
import type { AtrFacts, CardReading, CmCardLookup, EnrollmentState, Replacement } from '../../shared/enrollment';
import { type ErrorPayload, StationError, toErrorPayload } from '../../shared/errors';
import type { OutboxOperation, OutboxOperationInput } from '../../shared/outbox';
import {
  bindabilityOf,
  cardToRetire,
  readRequestType,
  requestTypeLabel,
  type RequestTypeNumbers,
  type RetireReplacedCard,
} from '../../shared/request-types';
import type { CardIdentifier, CardState, ReadersSnapshot } from '../../shared/readers';
import type { CmClient } from '../cm';
import { createListenerSet } from '../listener-set';
import type { DiagnosticLog } from '../log';
import { BINDABLE_STATUSES, type RequestCache } from '../requests';
import { acceptsChoice, type EnrollmentEvent, initialState, isSubmitted, transition } from './machine';
import { outcomeOf } from './outcomes';

/** The reader side: live snapshots, and a fresh read of a card right before it is bound. */
export interface CardSource {
  snapshot(): ReadersSnapshot;
  subscribe(listener: (snapshot: ReadersSnapshot) => void): () => void;
  /** Reads the card in `reader` now. Throws StationError (PCSC_NO_CARD, PCSC_CARD_REMOVED, ...). */
  reread(reader: string): Promise<{ atr: string; identifier: CardIdentifier }>;
}

export interface WorkflowOutbox {
  enqueue(input: OutboxOperationInput): Promise<OutboxOperation>;
  list(): OutboxOperation[];
  subscribe(listener: (op: OutboxOperation) => void): () => void;
}

/** An audit record as the workflow states it; the station fills in who and the empty fields. */
export type AuditNote = Pick<AuditEntryInput, 'action' | 'result'> &
  Partial<Omit<AuditEntryInput, 'actor' | 'action' | 'result'>>;

export interface WorkflowDeps {
  cards: CardSource;
  describeAtr: (atr: string) => { atrSummary: string; atrFacts?: AtrFacts; model: string | null };
  cm: CmClient | null;
  isOnline: () => boolean;
  requests: RequestCache;
  outbox: WorkflowOutbox;
  audit: (note: AuditNote) => Promise<void>;
  /** Dropped stale events and every failure the workflow handles itself go here. */
  log: Pick<DiagnosticLog, 'info' | 'warn' | 'error'>;
  /** Machine policy read at each choice (request-types.ts): confirmed type numbers, retire timing. */
  policy: () => { requestTypeNumbers: RequestTypeNumbers; retireReplacedCard: RetireReplacedCard };
}

export type WorkflowEvent =
  | { type: 'enrollment'; state: EnrollmentState }
  | { type: 'card'; reader: string; reading: CardReading | null };

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
 * Runs one enrollment per reader (design.md section 1) on top of the pure state machine: it feeds
 * the machine card events from the monitor, CM's answers, the operator's choices and the outbox's
 * outcomes, and publishes every new state. Binding always goes through the outbox, so what the
 * operator confirmed is on disk before anything is sent and before the screen says so.
 */
const STALE_LOOKUP = 'CM answered about a card that is no longer in the reader';

export function createEnrollmentWorkflow(deps: WorkflowDeps): EnrollmentWorkflow {
  const states = new Map<string, EnrollmentState>();
  const readings = new Map<string, CardReading>();
  const listeners = createListenerSet<[WorkflowEvent]>('enrollment workflow', (err, source) =>
    deps.log.error('listener.failed', err, { source }),
  );
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
    deps.audit(note).catch((err: unknown) => deps.log.error('audit.append-failed', err, { action: note.action }));
  }

  function setReading(reader: string, reading: CardReading | null): void {
    if (reading) readings.set(reader, reading);
    else readings.delete(reader);
    publish({ type: 'card', reader, reading });
  }

  // --- cards -------------------------------------------------------------------------------------

  async function lookUp(identifier: CardIdentifier): Promise<CmCardLookup> {
    if (identifier.kind === 'none') return { state: 'not-asked', reason: 'no-identifier' };
    if (!deps.cm) return { state: 'not-asked', reason: 'unconfigured' };
    if (!deps.isOnline()) return { state: 'not-asked', reason: 'offline' };
    try {
      const card = await deps.cm.findSmartcardByCardId(identifier.value);
      return card ? { state: 'found', card } : { state: 'unknown' };
    } catch (err) {
      return { state: 'failed', error: toErrorPayload(err) };
    }
  }

  function readingFor(reader: string, card: CardState, identifier: CardIdentifier, cm: CmCardLookup): CardReading {
    const { atrSummary, atrFacts, model } = deps.describeAtr(card.atr);
    return { reader, atr: card.atr, insertion: card.insertion, atrSummary, ...(atrFacts ? { atrFacts } : {}), model, identifier, cm };
  }

  /** The identifier is known: show the card at once, then again with what CM says about it. */
  function cardIdentified(reader: string, card: CardState, identifier: CardIdentifier, notice: ErrorPayload | null) {
    const first = readingFor(reader, card, identifier, identifier.kind === 'none' ? { state: 'not-asked', reason: 'no-identifier' } : { state: 'asking' });
    setReading(reader, first);
    apply(reader, { type: 'card-read', card: first, notice });
    if (first.cm.state !== 'asking') return;
    lookUp(identifier)
      .then((cm) => {
        if (readings.get(reader)?.insertion !== card.insertion) {
          deps.log.info('enrollment.event-dropped', { reader, eventType: 'cm-lookup', reason: STALE_LOOKUP });
          return;
        }
        const second = { ...first, cm };
        setReading(reader, second);
        apply(reader, { type: 'card-read', card: second, notice });
      })
      .catch((err: unknown) => deps.log.error('enrollment.lookup-failed', err, { reader }));
  }

  const seen = new Map<string, { insertion: number; identified: boolean }>();

  function onSnapshot(snapshot: ReadersSnapshot): void {
    const present = new Set(snapshot.readers.map((r) => r.name));
    for (const { name, card } of snapshot.readers) {
      const known = seen.get(name);
      if (!card) {
        if (known) {
          seen.delete(name);
          setReading(name, null);
          apply(name, { type: 'card-removed', insertion: known.insertion });
          auditInBackground({ action: 'card.removed', result: 'info', reader: name });
        } else if (!states.has(name)) {
          states.set(name, initialState(name));
          publish({ type: 'enrollment', state: stateOf(name) });
        }
        continue;
      }
      if (!known || known.insertion !== card.insertion) {
        seen.set(name, { insertion: card.insertion, identified: false });
        setReading(name, null);
        apply(name, { type: 'card-inserted', atr: card.atr, insertion: card.insertion });
        auditInBackground({ action: 'card.inserted', result: 'info', reader: name, atr: card.atr });
      }
      const entry = seen.get(name)!;
      if (entry.identified || !card.identity || card.identity.status === 'reading') continue;
      entry.identified = true;
      if (card.identity.status === 'read') cardIdentified(name, card, card.identity.identifier, null);
      else cardIdentified(name, card, { kind: 'none', value: null }, card.identity.error);
    }
    // A reader that went away takes its card with it; a submitted enrollment goes on in the outbox.
    for (const name of [...states.keys()]) {
      if (present.has(name)) continue;
      const gone = seen.get(name);
      if (gone) {
        seen.delete(name);
        apply(name, { type: 'card-removed', insertion: gone.insertion });
      }
      readings.delete(name);
      const step = stateOf(name).step;
      if (step === 'waiting' || step === 'reading' || step === 'card-read' || step === 'request-chosen') states.delete(name);
    }
  }

  // --- outbox outcomes ---------------------------------------------------------------------------

  function onOperation(op: OutboxOperation): void {
    for (const state of states.values()) {
      if (!isSubmitted(state)) continue;
      if (state.bind.operationId !== op.id && state.retire?.operationId !== op.id) continue;
      refreshOutcomes(state.reader);
    }
  }

  function refreshOutcomes(reader: string): EnrollmentState {
    const state = stateOf(reader);
    if (!isSubmitted(state)) return state;
    const ops = new Map(deps.outbox.list().map((op) => [op.id, op]));
    const bindOp = ops.get(state.bind.operationId);
    if (!bindOp) return state;
    const retireOp = state.retire ? ops.get(state.retire.operationId) : undefined;
    const online = deps.isOnline();
    const next = apply(reader, {
      type: 'outcomes',
      insertion: state.card.insertion,
      bind: outcomeOf(bindOp, online),
      retire: retireOp ? outcomeOf(retireOp, online) : null,
    });
    // Bound now: what the card panel says CM knows of the card is out of date; ask again.
    if (state.bind.state !== 'done' && isSubmitted(next) && next.bind.state === 'done') refreshCmKnowledge(reader);
    return next;
  }

  function refreshCmKnowledge(reader: string): void {
    const reading = readings.get(reader);
    if (!reading) return;
    lookUp(reading.identifier)
      .then((cm) => {
        if (readings.get(reader)?.insertion !== reading.insertion) return; // another card since
        setReading(reader, { ...reading, cm });
      })
      .catch((err: unknown) => deps.log.error('enrollment.lookup-failed', err, { reader }));
  }

  // --- operator actions --------------------------------------------------------------------------

  /**
   * The card this bind retires, by the request-type table (request-types.ts): only Recover and
   * Renew retire OldSmartcardUuid by themselves; Enroll only a card the operator named; Duplicate
   * and TemporaryCardEnroll never; an unconfirmed type never by itself. Never the card being bound
   * (a renew onto the same card), never a card of another user.
   */
  async function replacementFor(request: CmRequest, chosen: string | null, boundCardId: string, acknowledged: boolean): Promise<Replacement | null> {
    const policy = deps.policy();
    const reading = readRequestType(request.type, policy.requestTypeNumbers);
    const bindable = bindabilityOf(reading);
    if (!bindable.ok) {
      throw new StationError('REQUEST_TYPE_NOT_BINDABLE', `This request is of type ${requestTypeLabel(reading)}: it ${bindable.reason.replace(/^\S+ /, '')}. Nothing was sent.`, {
        requestId: request.uuid,
        type: request.type,
      });
    }
    if (bindable.needsAcknowledgement && !acknowledged) {
      throw new StationError(
        'REQUEST_TYPE_UNCONFIRMED',
        `CM gives this request the type number ${reading.kind === 'unconfirmed' ? reading.raw : ''}, which Microsoft does not document and IT has not confirmed. ` +
          'Bind only if you know this request needs a new card (acknowledge it); nothing will be retired automatically.',
        { requestId: request.uuid, type: request.type },
      );
    }
    const target = cardToRetire(reading, request, chosen);
    if (chosen !== null && target === null) {
      throw new StationError('BAD_REQUEST', `A request of type ${requestTypeLabel(reading)} keeps the old card; no card is retired by it.`, { smartcardUuid: chosen });
    }
    if (target === null || policy.retireReplacedCard === 'never') {
      if (chosen !== null) throw new StationError('BAD_REQUEST', 'IT has turned off retiring replaced cards on this station (retireReplacedCard: never).', { smartcardUuid: chosen });
      return null;
    }
    const { smartcardUuid, source } = target;
    let card: CmSmartcard | null = null;
    if (deps.cm && deps.isOnline()) {
      try {
        card = await deps.cm.getSmartcard(smartcardUuid);
      } catch {
        card = null; // shown as "details unavailable"; the retire itself is queued regardless
      }
      const otherUser = card !== null && request.targetUserUuid !== null && card.assignedUserUuid !== null && card.assignedUserUuid !== request.targetUserUuid;
      if (otherUser && source === 'operator') {
        throw new StationError('BAD_REQUEST', 'That card belongs to another user than the request’s; it cannot be replaced by this request.', {
          smartcardUuid,
        });
      }
      // A card of another user, or the very card being bound (renewed onto itself), is never retired.
      if (otherUser || card?.cardId === boundCardId.toLowerCase()) return null;
    }
    return { smartcardUuid, source, card };
  }

  async function choose(reader: string, requestId: string, replaceSmartcardUuid: string | null, acceptUnconfirmedType = false) {
    const state = stateOf(reader);
    if (!acceptsChoice(state)) {
      throw new StationError('WORKFLOW_STATE', 'Insert a card and wait for it to be read before choosing a request.', {
        reader,
        step: state.step,
        event: 'choose',
      });
    }
    const { card } = state;
    if (card.identifier.kind === 'none') {
      throw new StationError('CARD_UNIDENTIFIED', 'The station could not read an identifier from this card, so CM cannot bind it. Try another card.', { reader });
    }
    const request = await deps.requests.get(requestId);
    if (!(BINDABLE_STATUSES as readonly string[]).includes(request.status)) {
      throw new StationError('REQUEST_NOT_BINDABLE', `This request is ${request.status}; CM binds a card only to an Approved or Executing request.`, {
        requestId,
        status: request.status,
      });
    }
    const replacement = await replacementFor(request, replaceSmartcardUuid, card.identifier.value, acceptUnconfirmedType);
    const payload = { requestid: request.uuid, cardid: card.identifier.value, atr: card.atr };
    return apply(reader, { type: 'choose', request, replacement, payload });
  }

  async function confirm(reader: string): Promise<EnrollmentState> {
    const confirming = apply(reader, { type: 'confirm' });
    if (confirming.step !== 'confirming') return confirming;
    const { payload, replacement } = confirming;
    const insertion = confirming.card.insertion;

    // Never bind a card that is not in the reader right now: read it again and compare.
    let now: { atr: string; identifier: CardIdentifier };
    try {
      now = await deps.cards.reread(reader);
    } catch (err) {
      const notice = toErrorPayload(err);
      const gone = notice.code === 'PCSC_NO_CARD' || notice.code === 'PCSC_CARD_REMOVED';
      return apply(reader, { type: 'refuse', insertion, notice, cardPresent: !gone });
    }
    if (now.atr !== payload.atr || now.identifier.value !== payload.cardid) {
      const notice = new StationError('CARD_MISMATCH', 'A different card is in the reader. Put back the card you read, or start again with this one.', {
        reader,
        expectedCardId: payload.cardid,
        foundCardId: now.identifier.value,
      }).toPayload();
      auditInBackground({ action: 'bind.failed', result: 'failed', reader, cardId: payload.cardid, atr: payload.atr, requestId: payload.requestid, code: 'CARD_MISMATCH', message: notice.message });
      return apply(reader, { type: 'refuse', insertion, notice, cardPresent: true });
    }

    let bind: OutboxOperation;
    try {
      await deps.audit({ action: 'bind.requested', result: 'info', reader, cardId: payload.cardid, atr: payload.atr, requestId: payload.requestid });
      bind = await deps.outbox.enqueue({ kind: 'bind', requestId: payload.requestid, cardId: payload.cardid, atr: payload.atr, reader });
    } catch (err) {
      // Nothing is queued: the operator is back at the choice with the reason, and can try again.
      deps.log.error('enrollment.enqueue-failed', err, { reader, kind: 'bind' });
      return apply(reader, { type: 'refuse', insertion, notice: toErrorPayload(err), cardPresent: true });
    }
    let retire: OutboxOperation | null = null;
    let retireFailure: unknown = null;
    if (replacement) {
      try {
        await deps.audit({ action: 'retire.requested', result: 'info', reader, requestId: payload.requestid, smartcardUuid: replacement.smartcardUuid });
        // Default policy: held in the outbox until the new card is Active (held-retires.ts).
        const waitFor = deps.policy().retireReplacedCard === 'when-new-card-active' ? 'new-card-active' : null;
        retire = await deps.outbox.enqueue({ kind: 'retire', requestId: payload.requestid, smartcardUuid: replacement.smartcardUuid, waitFor });
      } catch (err) {
        deps.log.error('enrollment.enqueue-failed', err, { reader, kind: 'retire' });
        retireFailure = err;
      }
    }
    const online = deps.isOnline();
    apply(reader, { type: 'outcomes', insertion, bind: outcomeOf(bind, online), retire: retire ? outcomeOf(retire, online) : null });
    if (retireFailure) {
      // The bind is safely queued and shows as such; the replaced card was not queued for retiring,
      // so the operator must hear it now (nothing would remind them later).
      throw new StationError(
        'STORAGE_IO',
        'The card is queued for binding, but retiring the card it replaces could not be saved. Retire that card from the outbox screen or the CLI.',
        { reader, smartcardUuid: replacement?.smartcardUuid ?? null, cause: toErrorPayload(retireFailure).message },
      );
    }
    // The outbox may have moved on while we enqueued the retire: read its latest word.
    return refreshOutcomes(reader);
  }

  function reset(reader: string): EnrollmentState {
    return apply(reader, { type: 'reset', card: readings.get(reader) ?? null });
  }

  async function readCard(reader: string): Promise<CardReading> {
    const card = deps.cards.snapshot().readers.find((r) => r.name === reader)?.card;
    if (!card) throw new StationError('PCSC_NO_CARD', 'There is no card in this reader.', { reader });
    const { atr, identifier } = await deps.cards.reread(reader);
    const reading = readingFor(reader, { ...card, atr }, identifier, await lookUp(identifier));
    setReading(reader, reading);
    apply(reader, { type: 'card-read', card: reading, notice: null });
    return reading;
  }

  const unsubscribeCards = deps.cards.subscribe(onSnapshot);
  const unsubscribeOutbox = deps.outbox.subscribe(onOperation);
  onSnapshot(deps.cards.snapshot());

  return {
    states: () => [...states.values()],
    cards: () => [...readings.values()],
    readCard,
    choose,
    confirm,
    reset,
    subscribe: (listener) => listeners.add(listener),
    close() {
      unsubscribeCards();
      unsubscribeOutbox();
      listeners.clear();
    },
  };
}
