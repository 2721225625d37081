import { describe, expect, it } from 'vitest';
import type { CmRequest } from '../../../src/shared/cm';
import { ENROLLMENT_STEPS, type CardReading, type EnrollmentState, type StepOutcome } from '../../../src/shared/enrollment';
import { initialState, stepForOutcomes, transition, type EnrollmentEvent } from '../../../src/main/enrollment/machine';

const READER = 'Virtual PCD 00 00';
const REQ = 'a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099';
const OP = '7d3c3f5e-2f0a-4c55-9d0e-6b4b8f0c1a11';
const OTHER_OP = '1f0e2d3c-4b5a-4968-8776-a5b4c3d2e1f0';
const SC = '0e6a2f2e-8a5b-4a1c-9d2e-3f4b5c6d7e8f';

const card = (insertion: number): CardReading => ({
  reader: READER,
  atr: '3b8d0180fba000000397425446590301c8',
  insertion,
  atrSummary: 'T=1',
  model: null,
  identifier: { kind: 'piv-guid', value: 'bc88f13f-83ba-4037-8262-46eba1291c6e' },
  cm: { state: 'unknown' },
});
const request = { uuid: REQ, status: 'Approved' } as CmRequest;
const choose: EnrollmentEvent = {
  type: 'choose',
  request,
  replacement: null,
  payload: { requestid: REQ, cardid: 'bc88f13f-83ba-4037-8262-46eba1291c6e', atr: '3b8d0180fba000000397425446590301c8' },
};
const sending: StepOutcome = { state: 'sending', operationId: OP };
const done: StepOutcome = { state: 'done', operationId: OP, smartcardUuid: SC };
const queued: StepOutcome = { state: 'queued', operationId: OP, reason: 'CM offline', error: null };
const notice = { code: 'CARD_MISMATCH' as const, message: 'A different card is in the reader.', details: {} };

/** The next state, for moves the test expects to happen. */
function step(state: EnrollmentState, event: EnrollmentEvent): EnrollmentState {
  const result = transition(state, event);
  if (result.kind !== 'moved') throw new Error(`expected a move, got ${result.kind} for ${event.type} at ${state.step}`);
  return result.state;
}
const run = (events: EnrollmentEvent[], from: EnrollmentState = initialState(READER)) => events.reduce(step, from);
const inserted = (insertion: number): EnrollmentEvent => ({ type: 'card-inserted', atr: 'aa', insertion });
const read = (insertion: number): EnrollmentEvent => ({ type: 'card-read', card: card(insertion), notice: null });
const chosenAt1 = () => run([inserted(1), read(1), choose]);
const confirmingAt1 = () => step(chosenAt1(), { type: 'confirm' });

/** One state for every step, all about card insertion 1. */
function everyStep(): EnrollmentState[] {
  const confirming = confirmingAt1();
  const states = [
    initialState(READER),
    run([inserted(1)]),
    run([inserted(1), read(1)]),
    chosenAt1(),
    confirming,
    step(confirming, { type: 'outcomes', insertion: 1, bind: sending, retire: null }),
    step(confirming, { type: 'outcomes', insertion: 1, bind: done, retire: { state: 'sending', operationId: OTHER_OP } }),
    step(confirming, { type: 'outcomes', insertion: 1, bind: done, retire: null }),
    step(confirming, { type: 'outcomes', insertion: 1, bind: { state: 'needs-attention', operationId: OP, error: notice }, retire: null }),
  ];
  expect(states.map((s) => s.step)).toEqual([...ENROLLMENT_STEPS]);
  return states;
}

/** One event of every kind, for the card insertion given (1 = the states' card, 2 = another). */
function everyEvent(insertion: number): EnrollmentEvent[] {
  return [
    inserted(insertion + 10),
    read(insertion),
    { type: 'card-removed', insertion },
    choose,
    { type: 'confirm' },
    { type: 'refuse', insertion, notice, cardPresent: true },
    { type: 'outcomes', insertion, bind: insertion === 1 ? done : { ...done, operationId: OTHER_OP }, retire: null },
    { type: 'reset', card: card(insertion) },
  ];
}

describe('enrollment state machine', () => {
  it('walks the happy path: card -> read -> chosen -> confirming -> binding -> retiring -> done', () => {
    let s = chosenAt1();
    expect(s.step).toBe('request-chosen');
    s = step(s, { type: 'confirm' });
    expect(s.step).toBe('confirming');
    s = step(s, { type: 'outcomes', insertion: 1, bind: sending, retire: null });
    expect(s.step).toBe('binding');
    s = step(s, { type: 'outcomes', insertion: 1, bind: done, retire: { state: 'sending', operationId: OTHER_OP } });
    expect(s.step).toBe('retiring');
    s = step(s, { type: 'outcomes', insertion: 1, bind: done, retire: { state: 'done', operationId: OTHER_OP, smartcardUuid: SC } });
    expect(s).toMatchObject({ step: 'done', bind: { smartcardUuid: SC } });
    expect(step(s, { type: 'card-removed', insertion: 1 }).step).toBe('waiting');
  });

  it('is total: every event at every step has an outcome, and only an operator action is ever refused', () => {
    const operator = new Set(['choose', 'confirm', 'reset']);
    for (const state of everyStep()) {
      for (const event of [...everyEvent(1), ...everyEvent(2)]) {
        const result = transition(state, event);
        if (result.kind === 'refused') {
          expect(operator.has(event.type), `${event.type} refused at ${state.step}`).toBe(true);
          expect(result.error.code).toBe('WORKFLOW_STATE');
        }
        if (result.kind === 'moved') expect(result.state.reader).toBe(READER);
      }
    }
  });

  it('refuses an operator action the step cannot take, with WORKFLOW_STATE, changing nothing', () => {
    expect(transition(initialState(READER), choose)).toMatchObject({ kind: 'refused', error: { code: 'WORKFLOW_STATE' } });
    expect(transition(run([inserted(1), read(1)]), { type: 'confirm' })).toMatchObject({ kind: 'refused' });
    // A second confirmation while one is in flight would be a second bind.
    expect(transition(confirmingAt1(), { type: 'confirm' })).toMatchObject({ kind: 'refused' });
    expect(transition(confirmingAt1(), { type: 'reset', card: card(1) })).toMatchObject({ kind: 'refused' });
  });

  it('drops the events of an earlier card, wherever they arrive', () => {
    const late = run([inserted(1), inserted(2)]);
    expect(transition(late, read(1))).toMatchObject({ kind: 'dropped' });
    expect(transition(late, { type: 'card-removed', insertion: 1 })).toMatchObject({ kind: 'dropped' });
    const confirming = confirmingAt1();
    expect(transition(confirming, { type: 'refuse', insertion: 2, notice, cardPresent: true })).toMatchObject({ kind: 'dropped' });
    expect(transition(confirming, { type: 'outcomes', insertion: 2, bind: sending, retire: null })).toMatchObject({ kind: 'dropped' });
    const binding = step(confirming, { type: 'outcomes', insertion: 1, bind: sending, retire: null });
    expect(transition(binding, { type: 'outcomes', insertion: 1, bind: { ...done, operationId: OTHER_OP }, retire: null })).toMatchObject({
      kind: 'dropped',
    });
  });

  it('takes CM’s late answer about the card up to the confirmation; once submitted it is stale and dropped', () => {
    const answered = { ...card(1), atrSummary: 'answered by CM' };
    const confirming = confirmingAt1();
    for (const s of [chosenAt1(), confirming]) {
      expect(step(s, { type: 'card-read', card: answered, notice: null })).toEqual({ ...s, card: answered });
      // A reading of an earlier insertion changes nothing.
      expect(transition(s, { type: 'card-read', card: { ...card(0), atrSummary: 'stale' }, notice: null })).toMatchObject({ kind: 'dropped' });
    }
    const binding = step(confirming, { type: 'outcomes', insertion: 1, bind: sending, retire: null });
    const finished = step(binding, { type: 'outcomes', insertion: 1, bind: done, retire: null });
    for (const s of [binding, finished]) {
      expect(transition(s, { type: 'card-read', card: answered, notice: null })).toMatchObject({ kind: 'dropped' });
    }
  });

  it('a new card during a confirmation starts afresh; the confirmation’s answer is then stale', () => {
    const swapped = step(confirmingAt1(), inserted(2));
    expect(swapped).toMatchObject({ step: 'reading', insertion: 2 });
    expect(transition(swapped, { type: 'outcomes', insertion: 1, bind: sending, retire: null })).toMatchObject({ kind: 'dropped' });
  });

  it('pulling the card before the bind returns to waiting; after the bind the flow goes on', () => {
    const chosen = chosenAt1();
    expect(step(chosen, { type: 'card-removed', insertion: 1 }).step).toBe('waiting');
    const binding = run([{ type: 'confirm' }, { type: 'outcomes', insertion: 1, bind: sending, retire: null }], chosen);
    expect(step(binding, { type: 'card-removed', insertion: 1 }).step).toBe('binding');
  });

  it('a refused confirmation goes back to the choice with the notice, or to waiting when the card is gone', () => {
    const confirming = confirmingAt1();
    expect(step(confirming, { type: 'refuse', insertion: 1, notice, cardPresent: true })).toMatchObject({
      step: 'request-chosen',
      notice: { code: 'CARD_MISMATCH' },
    });
    expect(step(confirming, { type: 'refuse', insertion: 1, notice, cardPresent: false })).toMatchObject({ step: 'waiting', notice });
  });

  it('derives the step from the outbox outcomes', () => {
    expect(stepForOutcomes(queued, null)).toBe('done');
    expect(stepForOutcomes(queued, queued)).toBe('done');
    expect(stepForOutcomes(done, queued)).toBe('done');
    expect(stepForOutcomes(sending, queued)).toBe('binding');
    const refused: StepOutcome = {
      state: 'needs-attention',
      operationId: OP,
      error: { code: 'CM_FORBIDDEN', message: 'x', details: {} },
    };
    expect(stepForOutcomes(done, refused)).toBe('attention');
    expect(stepForOutcomes(refused, null)).toBe('attention');
  });
});
