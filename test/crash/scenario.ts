import type { OutboxOperationInput } from '../../src/shared/outbox';
import { seedDirectory, seedGuid, type SimState } from '../../src/main/training/cm-sim';

/**
 * The crash test's workload, the same in the parent and in every child: `count` approved requests
 * in the simulated CM, each to be bound to a new card; every third one replaces an Active card
 * that must be retired after the bind; every fourth card is a re-used one: CM already has a
 * Retired record of it from an earlier life (another user), so a lookup by card id finds that
 * record, which must never settle the bind. Wire numbers as documented: request Status 3 Approved
 * (MIMDocs/reference/get-request.md), card Status 3 Active, 6 Retired.
 */
const EMPTY_GUID = '00000000-0000-0000-0000-000000000000';
const APPROVED = 3;
const ACTIVE = 3;
const RETIRED = 6;
export const ATR = '3b8d0180fba000000397425446590301c8';

export interface Scenario {
  seed: SimState;
  /** In the order an operator would queue them. */
  plan: OutboxOperationInput[];
}

export const planKey = (op: OutboxOperationInput): string => (op.kind === 'bind' ? `bind ${op.cardId}` : `retire ${op.smartcardUuid}`);

export function buildScenario(count: number): Scenario {
  const base = seedDirectory();
  const requestTemplate = base.requests.find((r) => r.Status === APPROVED && r.OldSmartcardUuid !== EMPTY_GUID);
  const cardTemplate = base.smartcards.find((c) => c.Uuid === requestTemplate?.OldSmartcardUuid);
  if (requestTemplate === undefined || cardTemplate === undefined) throw new Error('the training seed has no replacement request');

  const seed: SimState = { ...base, requests: [...base.requests], smartcards: [...base.smartcards] };
  const plan: OutboxOperationInput[] = [];
  for (let i = 0; i < count; i++) {
    const requestId = seedGuid(`crash/request/${i}`);
    const cardId = seedGuid(`crash/card/${i}`);
    const replaces = i % 3 === 0 ? seedGuid(`crash/old-card/${i}`) : null;
    seed.requests.push({ ...requestTemplate, Uuid: requestId, OldSmartcardUuid: replaces ?? EMPTY_GUID, NewSmartcardUuid: EMPTY_GUID });
    plan.push({ kind: 'bind', requestId, cardId, atr: ATR, reader: `Crash Reader ${i % 4}` });
    if (i % 4 === 1) {
      // An earlier life of this physical card: Retired, another user, another Uuid.
      seed.smartcards.push({
        ...cardTemplate,
        Uuid: seedGuid(`crash/earlier-life/${i}`),
        Status: RETIRED,
        AssignedUserUuid: seedGuid('user/dana'),
        SerialNumber: `{${cardId}}`,
      });
    }
    if (replaces !== null) {
      seed.smartcards.push({ ...cardTemplate, Uuid: replaces, Status: ACTIVE, SerialNumber: `{${seedGuid(`crash/old-serial/${i}`)}}` });
      plan.push({ kind: 'retire', requestId, smartcardUuid: replaces });
    }
  }
  return { seed, plan };
}

/** mulberry32: a seeded generator, so a failing run can be repeated. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
