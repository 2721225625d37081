import type { BindPayload, CardReading, EnrollmentState, EnrollmentStep, Replacement, StepOutcome } from '../../shared/enrollment';
import type { CmRequest } from '../../shared/cm';
import type { IssuancePlan } from '../../shared/issuance';
import { type ErrorPayload, StationError } from '../../shared/errors';

/**
 * What can happen to one reader's enrollment. Events that arrive on their own (from the reader
 * monitor, CM, the outbox, a confirmation still in flight) carry the card insertion or the outbox
 * operations they belong to, so a late one can be recognised as stale and dropped.
 */
export type EnrollmentEvent =
  | { type: 'card-inserted'; atr: string; insertion: number }
  /** `notice`: the identifier could not be read (e.g. another program holds the card). */
  | { type: 'card-read'; card: CardReading; notice: ErrorPayload | null }
  | { type: 'card-removed'; insertion: number }
  | { type: 'choose'; request: CmRequest; replacement: Replacement | null; payload: BindPayload; issuance?: IssuancePlan }
  | { type: 'confirm' }
  /** The confirmation of the card `insertion` was refused before anything was queued. */
  | { type: 'refuse'; insertion: number; notice: ErrorPayload; cardPresent: boolean }
  /**
   * How the bind (and retire) of a confirmation stand in the outbox. `insertion` names the card the
   * confirmation was for: the first outcomes move `confirming` on; later ones match by operation id.
   */
  | { type: 'outcomes'; insertion: number; bind: StepOutcome; retire: StepOutcome | null }
  | { type: 'reset'; card: CardReading | null };

type EventType = EnrollmentEvent['type'];
/** Events an operator asks for: the only ones a step may refuse (the caller gets the error). */
type OperatorEventType = 'choose' | 'confirm' | 'reset';
type StateAt<S extends EnrollmentStep> = Extract<EnrollmentState, { step: S }>;
type EventOf<T extends EventType> = Extract<EnrollmentEvent, { type: T }>;

/** A stale or meaningless event: nothing changes, and the reason is logged. */
export interface Dropped {
  readonly dropped: string;
}
/** An operator action this step cannot take: nothing changes, and the operator is told why. */
export interface Refused {
  readonly refused: StationError;
}

type Next<T extends EventType> = EnrollmentState | Dropped | (T extends OperatorEventType ? Refused : never);

/**
 * The whole table: every step names an outcome for every event (the type has no optional entries),
 * so no combination can throw or be forgotten. Each handler gets the state narrowed to its step and
 * can only build the next state from data that exists there.
 */
type Transitions = {
  [S in EnrollmentStep]: { [T in EventType]: (state: StateAt<S>, event: EventOf<T>) => Next<T> };
};

export type TransitionResult =
  | { readonly kind: 'moved'; readonly state: EnrollmentState }
  | { readonly kind: 'dropped'; readonly reason: string }
  | { readonly kind: 'refused'; readonly error: StationError };

const waiting = (reader: string, notice: ErrorPayload | null = null): EnrollmentState => ({ step: 'waiting', reader, notice });
const reading = (reader: string, e: EventOf<'card-inserted'>): EnrollmentState => ({
  step: 'reading',
  reader,
  atr: e.atr,
  insertion: e.insertion,
});
const cardRead = (reader: string, card: CardReading, notice: ErrorPayload | null = null): EnrollmentState => ({
  step: 'card-read',
  reader,
  card,
  notice,
});
const drop = (reason: string): Dropped => ({ dropped: reason });

function refuse(state: EnrollmentState, event: OperatorEventType, message: string): Refused {
  return {
    refused: new StationError('WORKFLOW_STATE', message, { reader: state.reader, step: state.step, event }),
  };
}

export type SubmittedState = StateAt<'binding' | 'retiring' | 'done' | 'attention'>;

/** Confirmed and in the outbox: the steps whose progress the outbox's outcomes decide. */
export function isSubmitted(state: EnrollmentState): state is SubmittedState {
  return state.step === 'binding' || state.step === 'retiring' || state.step === 'done' || state.step === 'attention';
}

/** After confirmation the outbox's outcomes decide the step; see enrollmentStateSchema. */
export function stepForOutcomes(bind: StepOutcome, retire: StepOutcome | null): 'binding' | 'retiring' | 'done' | 'attention' {
  if (bind.state === 'needs-attention' || retire?.state === 'needs-attention') return 'attention';
  if (bind.state === 'sending') return 'binding';
  if (bind.state === 'done' && retire?.state === 'sending') return 'retiring';
  return 'done';
}

function submitted(state: StateAt<'confirming'> | SubmittedState, e: EventOf<'outcomes'>): EnrollmentState {
  const { reader, card, request, replacement, payload, issuance } = state;
  const plan = issuance === undefined ? {} : { issuance };
  return { step: stepForOutcomes(e.bind, e.retire), reader, card, request, replacement, payload, ...plan, bind: e.bind, retire: e.retire };
}

function choice(e: { request: CmRequest; replacement: Replacement | null; payload: BindPayload; issuance?: IssuancePlan | undefined }) {
  return { request: e.request, replacement: e.replacement, payload: e.payload, ...(e.issuance === undefined ? {} : { issuance: e.issuance }) };
}

/** The insertion a step is about, if it has a card: what stale events are recognised by. */
function insertionOf(state: EnrollmentState): number | null {
  if (state.step === 'waiting') return null;
  if (state.step === 'reading') return state.insertion;
  return state.card.insertion;
}

// --- outcomes shared by several steps -------------------------------------------------------------

const STALE_READING = 'a reading of a card that is no longer in the reader';
const STALE_REMOVAL = 'the removal of an earlier card';
const NO_CONFIRMATION = 'the answer to a confirmation this step is not waiting for';

/** Any step: a new card starts afresh (a submitted enrollment goes on in the outbox). */
const newCard = (s: EnrollmentState, e: EventOf<'card-inserted'>): EnrollmentState => reading(s.reader, e);

/** The card of this step left: back to waiting; a removal of another insertion is stale. */
const cardLeft = (s: EnrollmentState, e: EventOf<'card-removed'>): Next<'card-removed'> =>
  e.insertion === insertionOf(s) ? waiting(s.reader) : drop(STALE_REMOVAL);

/** A newer word on the same card (e.g. CM's late answer): keep the step, update the card. */
function updatedCard<S extends StateAt<'card-read' | 'request-chosen' | 'confirming'>>(s: S, e: EventOf<'card-read'>): Next<'card-read'> {
  if (e.card.insertion !== s.card.insertion) return drop(STALE_READING);
  return s.step === 'card-read' ? cardRead(s.reader, e.card, e.notice) : { ...s, card: e.card };
}

const noConfirmation = (): Dropped => drop(NO_CONFIRMATION);

type ChoosingStep = 'card-read' | 'request-chosen';
/** Why each other step takes no choice: the table's refusals, and what the pre-check says. */
const NO_CHOICE_NOW: Record<Exclude<EnrollmentStep, ChoosingStep>, string> = {
  waiting: 'Insert a card and wait for it to be read before choosing a request.',
  reading: 'Wait for the card to be read before choosing a request.',
  confirming: 'The confirmation is in progress; wait for it to finish.',
  binding: 'This card has been submitted. Insert the next card to choose another request.',
  retiring: 'This card has been submitted. Insert the next card to choose another request.',
  done: 'This card has been submitted. Insert the next card to choose another request.',
  attention: 'This card has been submitted. Insert the next card to choose another request.',
};
const noChoice = (s: StateAt<Exclude<EnrollmentStep, ChoosingStep>>): Refused => refuse(s, 'choose', NO_CHOICE_NOW[s.step]);

/** Once submitted, the operations go on whatever happens to the card; a new card starts afresh. */
function afterSubmission(removed: (s: SubmittedState, e: EventOf<'card-removed'>) => Next<'card-removed'>) {
  return {
    'card-inserted': newCard,
    // CM's answer about the card landing after the bind was submitted (a slow CM, a Negotiate
    // handshake) was asked before the bind: "CM does not know this card" is out of date by now, so
    // it is dropped (and logged); the workflow asks CM again once the bind is done.
    'card-read': () => drop('a CM answer about the card, asked before the bind was submitted'),
    'card-removed': removed,
    choose: noChoice,
    confirm: (s: SubmittedState) => refuse(s, 'confirm', 'This card has been submitted already.'),
    refuse: noConfirmation,
    outcomes: (s: SubmittedState, e: EventOf<'outcomes'>): Next<'outcomes'> =>
      e.bind.operationId === s.bind.operationId ? submitted(s, e) : drop('outcomes of another confirmation'),
    reset: (s: SubmittedState, e: EventOf<'reset'>) => (e.card ? cardRead(s.reader, e.card) : waiting(s.reader)),
  };
}

const transitions: Transitions = {
  waiting: {
    'card-inserted': newCard,
    'card-read': () => drop(STALE_READING),
    'card-removed': () => drop('no card was in the reader'),
    choose: noChoice,
    confirm: (s) => refuse(s, 'confirm', 'Insert a card and choose a request for it before confirming.'),
    refuse: noConfirmation,
    outcomes: noConfirmation,
    reset: (s) => s,
  },
  reading: {
    'card-inserted': newCard,
    'card-read': (s, e) => (e.card.insertion === s.insertion ? cardRead(s.reader, e.card, e.notice) : drop(STALE_READING)),
    'card-removed': cardLeft,
    choose: noChoice,
    confirm: (s) => refuse(s, 'confirm', 'Wait for the card to be read, then choose a request.'),
    refuse: noConfirmation,
    outcomes: noConfirmation,
    reset: (s) => s,
  },
  'card-read': {
    'card-inserted': newCard,
    'card-read': updatedCard,
    'card-removed': cardLeft,
    choose: (s, e) => ({ step: 'request-chosen', reader: s.reader, card: s.card, ...choice(e), notice: null }),
    confirm: (s) => refuse(s, 'confirm', 'Choose a request for this card before confirming.'),
    refuse: noConfirmation,
    outcomes: noConfirmation,
    reset: (s) => cardRead(s.reader, s.card),
  },
  'request-chosen': {
    'card-inserted': newCard,
    // CM's answer about the card may arrive after the operator already picked a request.
    'card-read': updatedCard,
    'card-removed': cardLeft,
    choose: (s, e) => ({ ...s, ...choice(e), notice: null }),
    confirm: (s) => ({ step: 'confirming', reader: s.reader, card: s.card, ...choice(s) }),
    refuse: noConfirmation,
    outcomes: noConfirmation,
    reset: (s) => cardRead(s.reader, s.card),
  },
  confirming: {
    // Another card: it starts afresh. The confirmation in flight either refuses (its answer is
    // then stale here) or has already queued the bind of the card it re-read, which goes on in
    // the outbox and shows there: it never binds the new card.
    'card-inserted': newCard,
    'card-read': updatedCard,
    // The card leaving mid-confirmation is for the confirmation itself to find (it re-reads the
    // card right before binding and refuses), so the step waits for its answer.
    'card-removed': (s) => s,
    choose: noChoice,
    // A second confirmation of the same choice must never become a second bind.
    confirm: (s) => refuse(s, 'confirm', 'The confirmation is in progress already.'),
    refuse: (s, e) => {
      if (e.insertion !== s.card.insertion) return drop(NO_CONFIRMATION);
      return e.cardPresent ? { step: 'request-chosen', reader: s.reader, card: s.card, ...choice(s), notice: e.notice } : waiting(s.reader, e.notice);
    },
    outcomes: (s, e) => (e.insertion === s.card.insertion ? submitted(s, e) : drop(NO_CONFIRMATION)),
    reset: (s) => refuse(s, 'reset', 'The confirmation is in progress; wait for it to finish.'),
  },
  binding: afterSubmission((s) => s),
  retiring: afterSubmission((s) => s),
  // Done: "remove the card"; once it is out, the reader waits for the next one.
  done: afterSubmission((s, e) => (e.insertion === s.card.insertion ? waiting(s.reader) : drop(STALE_REMOVAL))),
  // A refused operation stays on screen until the operator moves on (a new card or reset).
  attention: afterSubmission((s) => s),
};

/**
 * Whether a step can take a choice at all, asked before the (slow) request lookup a choice needs;
 * the table has the last word when the choice is applied, since the card may change meanwhile.
 */
export function acceptsChoice(state: EnrollmentState): state is StateAt<ChoosingStep> {
  return state.step === 'card-read' || state.step === 'request-chosen';
}

/** The refusal the table gives a choice at a step that takes none (see acceptsChoice). */
export function choiceRefusal(state: StateAt<Exclude<EnrollmentStep, ChoosingStep>>): StationError {
  return noChoice(state).refused;
}

/** The one way a reader's state changes. Never throws: every (step, event) pair has an outcome. */
export function transition(state: EnrollmentState, event: EnrollmentEvent): TransitionResult {
  const handler = (transitions[state.step] as unknown as Record<EventType, (s: EnrollmentState, e: EnrollmentEvent) => Next<EventType>>)[event.type];
  const next = handler(state, event);
  if ('dropped' in next) return { kind: 'dropped', reason: next.dropped };
  if ('refused' in next) return { kind: 'refused', error: next.refused };
  return { kind: 'moved', state: next };
}

export function initialState(reader: string): EnrollmentState {
  return waiting(reader);
}
