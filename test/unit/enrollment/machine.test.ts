import { describe, expect, it } from 'vitest';
import type { CmRequest } from '../../../src/shared/cm';
import type { CardReading, EnrollmentState, StepOutcome } from '../../../src/shared/enrollment';
import { initialState, stepForOutcomes, transition, type EnrollmentEvent } from '../../../src/main/enrollment/machine';

const READER = 'Virtual PCD 00 00';
const REQ = 'a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099';
const OP = '7d3c3f5e-2f0a-4c55-9d0e-6b4b8f0c1a11';
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
const run = (events: EnrollmentEvent[], from: EnrollmentState = initialState(READER)) => events.reduce(transition, from);
const sending: StepOutcome = { state: 'sending', operationId: OP };
const done: StepOutcome = { state: 'done', operationId: OP, smartcardUuid: SC };
const queued: StepOutcome = { state: 'queued', operationId: OP, reason: 'CM offline', error: null };

describe('enrollment state machine', () => {
  it('walks the happy path: card -> read -> chosen -> confirming -> binding -> retiring -> done', () => {
    let s = run([{ type: 'card-inserted', atr: 'aa', insertion: 1 }, { type: 'card-read', card: card(1), notice: null }, choose]);
    expect(s.step).toBe('request-chosen');
    s = transition(s, { type: 'confirm' });
    expect(s.step).toBe('confirming');
    s = transition(s, { type: 'outcomes', bind: sending, retire: null });
    expect(s.step).toBe('binding');
    s = transition(s, { type: 'outcomes', bind: done, retire: { state: 'sending', operationId: OP } });
    expect(s.step).toBe('retiring');
    s = transition(s, { type: 'outcomes', bind: done, retire: done });
    expect(s).toMatchObject({ step: 'done', bind: { smartcardUuid: SC } });
    expect(transition(s, { type: 'card-removed' }).step).toBe('waiting');
  });

  it('refuses illegal moves with WORKFLOW_STATE and changes nothing', () => {
    const s = initialState(READER);
    expect(() => transition(s, choose)).toThrowError(expect.objectContaining({ code: 'WORKFLOW_STATE' }));
    expect(() => transition(s, { type: 'confirm' })).toThrowError(expect.objectContaining({ code: 'WORKFLOW_STATE' }));
    const read = run([{ type: 'card-inserted', atr: 'aa', insertion: 1 }, { type: 'card-read', card: card(1), notice: null }]);
    expect(() => transition(read, { type: 'confirm' })).toThrowError(expect.objectContaining({ code: 'WORKFLOW_STATE' }));
    expect(read.step).toBe('card-read');
  });

  it('pulling the card before the bind returns to waiting; after the bind the flow goes on', () => {
    const chosen = run([{ type: 'card-inserted', atr: 'aa', insertion: 1 }, { type: 'card-read', card: card(1), notice: null }, choose]);
    expect(transition(chosen, { type: 'card-removed' }).step).toBe('waiting');
    const binding = run([{ type: 'confirm' }, { type: 'outcomes', bind: sending, retire: null }], chosen);
    expect(transition(binding, { type: 'card-removed' }).step).toBe('binding');
  });

  it('takes CM\'s late answer about the card at any later step: it updates the card and nothing else', () => {
    const chosen = run([{ type: 'card-inserted', atr: 'aa', insertion: 1 }, { type: 'card-read', card: card(1), notice: null }, choose]);
    const confirming = transition(chosen, { type: 'confirm' });
    const binding = transition(confirming, { type: 'outcomes', bind: sending, retire: null });
    const finished = transition(binding, { type: 'outcomes', bind: done, retire: null });
    const answered = { ...card(1), atrSummary: 'answered by CM' };
    for (const s of [chosen, confirming, binding, finished]) {
      const after = transition(s, { type: 'card-read', card: answered, notice: null });
      expect(after).toEqual({ ...s, card: answered });
      // A reading of an earlier insertion changes nothing.
      expect(transition(s, { type: 'card-read', card: { ...card(0), atrSummary: 'stale' }, notice: null })).toBe(s);
    }
  });

  it('ignores a reading that belongs to an earlier insertion (card swapped meanwhile)', () => {
    const s = run([
      { type: 'card-inserted', atr: 'aa', insertion: 1 },
      { type: 'card-inserted', atr: 'bb', insertion: 2 },
      { type: 'card-read', card: card(1), notice: null },
    ]);
    expect(s).toMatchObject({ step: 'reading', insertion: 2 });
  });

  it('a refused confirmation goes back to the choice with the notice, or to waiting when the card is gone', () => {
    const confirming = run([
      { type: 'card-inserted', atr: 'aa', insertion: 1 },
      { type: 'card-read', card: card(1), notice: null },
      choose,
      { type: 'confirm' },
    ]);
    const notice = { code: 'CARD_MISMATCH' as const, message: 'A different card is in the reader.', details: {} };
    expect(transition(confirming, { type: 'refuse', notice, cardPresent: true })).toMatchObject({
      step: 'request-chosen',
      notice: { code: 'CARD_MISMATCH' },
    });
    expect(transition(confirming, { type: 'refuse', notice, cardPresent: false })).toMatchObject({ step: 'waiting', notice });
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
