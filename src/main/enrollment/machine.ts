import type {
  BindPayload,
  CardReading,
  EnrollmentState,
  EnrollmentStep,
  Replacement,
  StepOutcome,
} from '../../shared/enrollment';
import type { CmRequest } from '../../shared/cm';
import { type ErrorPayload, StationError } from '../../shared/errors';

/** What can happen to one reader's enrollment. */
export type EnrollmentEvent =
  | { type: 'card-inserted'; atr: string; insertion: number }
  /** `notice`: the identifier could not be read (e.g. another program holds the card). */
  | { type: 'card-read'; card: CardReading; notice: ErrorPayload | null }
  | { type: 'card-removed' }
  | { type: 'choose'; request: CmRequest; replacement: Replacement | null; payload: BindPayload }
  | { type: 'confirm' }
  /** The confirmation was refused before anything was queued (e.g. a different card). */
  | { type: 'refuse'; notice: ErrorPayload; cardPresent: boolean }
  /** The bind (and retire) are in the outbox; from here on their outcomes drive the step. */
  | { type: 'outcomes'; bind: StepOutcome; retire: StepOutcome | null }
  | { type: 'reset'; card: CardReading | null };

type EventType = EnrollmentEvent['type'];
type StateAt<S extends EnrollmentStep> = Extract<EnrollmentState, { step: S }>;
type EventOf<T extends EventType> = Extract<EnrollmentEvent, { type: T }>;
type Transitions = {
  [S in EnrollmentStep]: { [T in EventType]?: (state: StateAt<S>, event: EventOf<T>) => EnrollmentState };
};

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

function submitted(
  state: StateAt<'confirming' | 'binding' | 'retiring' | 'done' | 'attention'>,
  e: EventOf<'outcomes'>,
): EnrollmentState {
  const { reader, card, request, replacement, payload } = state;
  return { step: stepForOutcomes(e.bind, e.retire), reader, card, request, replacement, payload, bind: e.bind, retire: e.retire };
}

/** Once submitted, the operations go on whatever happens to the card; a new card starts afresh. */
/**
 * CM's answer about the card (the second card-read of cardIdentified) may arrive after the operator
 * already moved on: it updates the card shown and nothing else. A slow CM, e.g. a Negotiate
 * handshake, made it land during confirming, where a refusal crashed the CLI.
 */
const lateCmAnswer = <S extends { card: CardReading }>(s: S, e: EventOf<'card-read'>): S =>
  e.card.insertion === s.card.insertion ? { ...s, card: e.card } : s;

const afterSubmission = {
  'card-read': lateCmAnswer,
  'card-inserted': (s: { reader: string }, e: EventOf<'card-inserted'>) => reading(s.reader, e),
  outcomes: submitted,
  reset: (s: { reader: string }, e: EventOf<'reset'>) => (e.card ? cardRead(s.reader, e.card) : waiting(s.reader)),
};

/**
 * The legal moves, and only those: a (step, event) pair missing here is refused with
 * WORKFLOW_STATE. Each handler receives the state already narrowed to its step, so it can only
 * build the next state from data that exists at that step.
 */
const transitions: Transitions = {
  waiting: {
    'card-inserted': (s, e) => reading(s.reader, e),
    'card-removed': (s) => s,
  },
  reading: {
    'card-inserted': (s, e) => reading(s.reader, e),
    // A reading that belongs to an earlier insertion is stale: the card was swapped meanwhile.
    'card-read': (s, e) => (e.card.insertion === s.insertion ? cardRead(s.reader, e.card, e.notice) : s),
    'card-removed': (s) => waiting(s.reader),
  },
  'card-read': {
    'card-inserted': (s, e) => reading(s.reader, e),
    'card-read': (s, e) => (e.card.insertion === s.card.insertion ? cardRead(s.reader, e.card, e.notice) : s),
    'card-removed': (s) => waiting(s.reader),
    choose: (s, e) => ({ step: 'request-chosen', reader: s.reader, card: s.card, ...choice(e), notice: null }),
  },
  'request-chosen': {
    'card-inserted': (s, e) => reading(s.reader, e),
    'card-removed': (s) => waiting(s.reader),
    choose: (s, e) => ({ ...s, ...choice(e), notice: null }),
    'card-read': lateCmAnswer,
    confirm: (s) => ({ step: 'confirming', reader: s.reader, card: s.card, ...choice(s) }),
    reset: (s) => cardRead(s.reader, s.card),
  },
  confirming: {
    // The card leaving mid-confirmation is handled by the confirmation itself (it re-reads the
    // card and refuses), so the event changes nothing here.
    'card-removed': (s) => s,
    'card-read': lateCmAnswer,
    refuse: (s, e) =>
      e.cardPresent
        ? { step: 'request-chosen', reader: s.reader, card: s.card, ...choice(s), notice: e.notice }
        : waiting(s.reader, e.notice),
    outcomes: submitted,
  },
  binding: { ...afterSubmission, 'card-removed': (s) => s },
  retiring: { ...afterSubmission, 'card-removed': (s) => s },
  // Done: "remove the card"; once it is out, the reader waits for the next one.
  done: { ...afterSubmission, 'card-removed': (s) => waiting(s.reader) },
  // A refused operation stays on screen until the operator moves on (a new card or reset).
  attention: { ...afterSubmission, 'card-removed': (s) => s },
};

function choice(e: { request: CmRequest; replacement: Replacement | null; payload: BindPayload }) {
  return { request: e.request, replacement: e.replacement, payload: e.payload };
}

export function transition(state: EnrollmentState, event: EnrollmentEvent): EnrollmentState {
  const handler = (transitions[state.step] as Partial<Record<EventType, (s: EnrollmentState, e: EnrollmentEvent) => EnrollmentState>>)[
    event.type
  ];
  if (!handler) throw illegal(state, event.type);
  return handler(state, event);
}

/** The refusal for an event the current step does not accept. */
export function illegal(state: EnrollmentState, event: EventType): StationError {
  return new StationError('WORKFLOW_STATE', workflowMessage(state.step, event), {
    reader: state.reader,
    step: state.step,
    event,
  });
}

export function initialState(reader: string): EnrollmentState {
  return waiting(reader);
}

function workflowMessage(step: EnrollmentStep, event: EventType): string {
  if (event === 'choose') return 'Insert a card and wait for it to be read before choosing a request.';
  if (event === 'confirm') return 'Choose a request for this card before confirming.';
  return `That is not possible at this step (${step}).`;
}
