import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createOutbox } from '../../../src/main/outbox';
import type { CardRecord, OutboxCmPort, RequestRecord } from '../../../src/main/outbox/port';
import { StationError } from '../../../src/shared/errors';
import { MAX_VERIFIED_REFUSALS, type OutboxOperation } from '../../../src/shared/outbox';
import { FakeClock } from './helpers';
import { reportListenerErrorToStderr } from '../../../src/main/common';

/**
 * Model-based test (issue #9): the real outbox against a model of CM that behaves only as the
 * reference pages allow: refusals arrive as 500 (or 204), connections drop before or after CM acted,
 * answers come late (after CM acted), a physical card comes back under a new Uuid, a card may be in
 * use by someone else, and a repeated retire is refused. Invariants, over random interleavings:
 * - a bind is never marked done unless CM holds that card, live, for that request;
 * - a card is never retired before its replacement is bound (nor, when held, before it is Active);
 * - an operation CM refuses is never sent more than MAX_VERIFIED_REFUSALS times, and then needs attention.
 */

type Answer = 'ok' | 'drop-before' | 'drop-after' | 'late' | 'refuse' | 'no-content' | 'lookup-fails';

interface Card {
  uuid: string;
  cardId: string;
  status: 'Assigned' | 'Active' | 'Retired';
  user: string;
  template: string;
}

interface Request {
  uuid: string;
  user: string;
  template: string;
  newCard: string | null;
  oldCard: string | null;
  /** CM refuses every bind to it (e.g. no longer approved). */
  refusing: boolean;
}

const TEMPLATE = '7e000000-0000-4000-8000-000000000001';
const guid = (prefix: string, n: number) => `${prefix}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const fail = (code: 'CM_OFFLINE' | 'CM_SERVER_ERROR' | 'CM_TIMEOUT' | 'CM_OUTCOME_UNKNOWN', details: Record<string, string | number | boolean | null>) =>
  new StationError(code, `model ${code}`, details);

class CmModel implements OutboxCmPort {
  readonly cards: Card[] = [];
  readonly requests = new Map<string, Request>();
  readonly violations: string[] = [];
  /** Per bind op key (request id): POSTs answered with a refusal. */
  readonly refusedPosts = new Map<string, number>();
  readonly postsFor = new Map<string, number>();
  private nextUuid = 1;

  constructor(
    private readonly answers: () => Answer,
    /** Retires waiting for the new card to be Active: request id -> true. */
    private readonly heldFor: Set<string>,
  ) {}

  private live(cardId: string): Card | undefined {
    return this.cards.find((c) => c.cardId === cardId && c.status !== 'Retired');
  }

  async bind(args: { requestId: string; cardId: string; atr: string }): Promise<{ smartcardUuid: string }> {
    const answer = this.answers();
    this.postsFor.set(args.requestId, (this.postsFor.get(args.requestId) ?? 0) + 1);
    if (answer === 'drop-before') throw fail('CM_OFFLINE', { outcomeUnknown: true, reason: 'reset' });
    const request = this.requests.get(args.requestId)!;
    const refused = request.refusing || request.newCard !== null || this.live(args.cardId) !== undefined || answer === 'refuse';
    if (refused) {
      this.refusedPosts.set(args.requestId, (this.refusedPosts.get(args.requestId) ?? 0) + 1);
      throw fail('CM_SERVER_ERROR', { status: 500, serverMessage: 'An error has occurred.', correlationId: null });
    }
    // CM acts: a new Uuid every time a physical card is assigned.
    const card: Card = { uuid: guid('5c000000', this.nextUuid++), cardId: args.cardId, status: 'Assigned', user: request.user, template: request.template };
    this.cards.push(card);
    request.newCard = card.uuid;
    if (answer === 'drop-after') throw fail('CM_OFFLINE', { outcomeUnknown: true, reason: 'reset' });
    if (answer === 'late') throw fail('CM_TIMEOUT', { outcomeUnknown: true });
    if (answer === 'no-content') throw fail('CM_OUTCOME_UNKNOWN', { status: 204, outcomeUnknown: true });
    return { smartcardUuid: card.uuid };
  }

  async retire(args: { requestId: string; smartcardUuid: string }): Promise<'retired' | 'unconfirmed'> {
    const answer = this.answers();
    if (answer === 'drop-before') throw fail('CM_OFFLINE', { outcomeUnknown: true, reason: 'reset' });
    const card = this.cards.find((c) => c.uuid === args.smartcardUuid)!;
    if (answer === 'refuse' || card.status === 'Retired') throw fail('CM_SERVER_ERROR', { status: 500, serverMessage: 'refused', correlationId: null });
    const request = this.requests.get(args.requestId)!;
    const replacement = this.cards.find((c) => c.uuid === request.newCard);
    if (replacement === undefined) this.violations.push(`retired ${card.uuid} before request ${args.requestId} had its new card`);
    if (this.heldFor.has(args.requestId) && replacement?.status !== 'Active') this.violations.push(`retired ${card.uuid} before the new card was Active`);
    card.status = 'Retired';
    if (answer === 'drop-after') throw fail('CM_OFFLINE', { outcomeUnknown: true, reason: 'reset' });
    if (answer === 'no-content') return 'unconfirmed';
    return 'retired';
  }

  async findSmartcardsByCardId(cardId: string): Promise<CardRecord[]> {
    if (this.answers() === 'lookup-fails') throw fail('CM_OFFLINE', { outcomeUnknown: false, reason: 'refused' });
    return this.cards.filter((c) => c.cardId === cardId).map((c) => this.record(c));
  }

  async getSmartcard(uuid: string): Promise<CardRecord | null> {
    if (this.answers() === 'lookup-fails') throw fail('CM_OFFLINE', { outcomeUnknown: false, reason: 'refused' });
    const card = this.cards.find((c) => c.uuid === uuid);
    return card === undefined ? null : this.record(card);
  }

  async getRequest(requestId: string): Promise<RequestRecord | null> {
    const r = this.requests.get(requestId);
    if (r === undefined) return null;
    return {
      uuid: r.uuid,
      status: 'Approved',
      type: 'Unknown(2)',
      newSmartcardUuid: r.newCard,
      oldSmartcardUuid: r.oldCard,
      targetUserUuid: r.user,
      profileTemplateUuid: r.template,
    };
  }

  /** This model retires under the replacing request (the outbox's default for records without a route). */
  createRetireRequest(): Promise<{ requestId: string }> {
    return Promise.reject(new Error('the model retires under the replacing request'));
  }

  findOpenRetireRequests(): Promise<RequestRecord[]> {
    return Promise.reject(new Error('the model retires under the replacing request'));
  }

  private record(c: Card): CardRecord {
    return { uuid: c.uuid, status: c.status, cardId: c.cardId, assignedUserUuid: c.user, profileTemplateUuid: c.template };
  }
}

interface Case {
  id: number;
  /** The physical card had an earlier, Retired life in CM. */
  reused: boolean;
  /** The physical card is live for another user (in use elsewhere). */
  inUse: boolean;
  refusing: boolean;
  replaces: boolean;
  held: boolean;
}

const caseArb = (id: number) =>
  fc.record({
    id: fc.constant(id),
    reused: fc.boolean(),
    inUse: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
    refusing: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
    replaces: fc.boolean(),
    held: fc.boolean(),
  });

const answerArb = fc.constantFrom<Answer>('ok', 'ok', 'ok', 'drop-before', 'drop-after', 'late', 'refuse', 'no-content', 'lookup-fails');

describe('outbox against a CM model (fast-check)', () => {
  it('never marks a bind done that CM does not hold for that request, never retires early, never sends a refusal more than 3 times', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => caseArb(i)))),
        fc.array(answerArb, { minLength: 20, maxLength: 120 }),
        fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
        async (cases, script, activations) => {
          let turn = 0;
          const held = new Set<string>();
          const cm = new CmModel(() => script[turn++ % script.length] ?? 'ok', held);
          const dir = mkdtempSync(join(tmpdir(), 'outbox-model-'));
          const clock = new FakeClock();
          const outbox = await createOutbox({
            onListenerError: reportListenerErrorToStderr,
            dir,
            now: clock.now,
            random: () => 0,
            cm,
            concurrency: 3,
            backoff: { baseMs: 1_000, maxMs: 60_000, jitter: 0 },
            audit: { append: async () => undefined },
            actor: 'model',
            retentionDays: 30,
            timers: clock,
          });
          try {
            for (const c of cases as Case[]) {
              const requestId = guid('aaaaaaaa', c.id + 1);
              const user = guid('0e000000', c.id + 1);
              const cardId = `card-${c.id}`;
              const oldCard = c.replaces ? guid('01dcad00', c.id + 1) : null;
              cm.requests.set(requestId, { uuid: requestId, user, template: TEMPLATE, newCard: null, oldCard, refusing: c.refusing });
              if (oldCard !== null) cm.cards.push({ uuid: oldCard, cardId: `old-${c.id}`, status: 'Active', user, template: TEMPLATE });
              if (c.reused) cm.cards.push({ uuid: guid('0b5e0000', c.id + 1), cardId, status: 'Retired', user: guid('0e000000', 99), template: TEMPLATE });
              if (c.inUse) cm.cards.push({ uuid: guid('05ed0000', c.id + 1), cardId, status: 'Active', user: guid('0e000000', 98), template: TEMPLATE });
              await outbox.enqueue({ kind: 'bind', requestId, cardId, atr: '3b00', reader: 'R' });
              if (oldCard !== null) {
                if (c.held) held.add(requestId);
                await outbox.enqueue({ kind: 'retire', requestId, smartcardUuid: oldCard, waitFor: c.held ? 'new-card-active' : null });
              }
            }
            for (const activate of activations) {
              await outbox.replayNow();
              // Now and then a CM client writes a newly assigned card.
              if (activate) for (const card of cm.cards) if (card.status === 'Assigned') card.status = 'Active';
            }
            const ops = outbox.list();
            checkInvariants(cm, ops);
          } finally {
            await outbox.close();
            rmSync(dir, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: Number(process.env.MODEL_RUNS ?? 100) },
    );
  }, 120_000);
});

function checkInvariants(cm: CmModel, ops: OutboxOperation[]): void {
  expect(cm.violations).toEqual([]);
  for (const op of ops) {
    const request = cm.requests.get(op.requestId)!;
    if (op.kind === 'bind') {
      if (op.state === 'done') {
        const card = cm.cards.find((c) => c.uuid === op.result?.smartcardUuid);
        // Done only if CM holds this card, live, for this request.
        expect(card).toMatchObject({ cardId: op.cardId });
        expect(card?.status).not.toBe('Retired');
        expect(request.newCard).toBe(card?.uuid);
      }
      // A refused operation is never sent more than MAX_VERIFIED_REFUSALS times...
      expect(cm.refusedPosts.get(op.requestId) ?? 0).toBeLessThanOrEqual(MAX_VERIFIED_REFUSALS);
      // ...and a request CM always refuses never ends done.
      if (request.refusing) expect(op.state).not.toBe('done');
    } else if (op.state === 'done') {
      expect(cm.cards.find((c) => c.uuid === op.smartcardUuid)?.status).toBe('Retired');
    }
  }
}
