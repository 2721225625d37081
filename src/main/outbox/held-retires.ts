import { StationError } from '../../shared/errors';
import type { OutboxOperation } from '../../shared/outbox';
import type { OutboxCmPort } from './port';

/**
 * Held retires (issue #9, part 2; issue #17, part 9). Binding does not execute a request: the new
 * card is Assigned (2) until a CM client writes it, and only then Active (3)
 * (MIMDocs/reference/get-smartcard-data.md: example 2 is a freshly assigned card with Status 2,
 * example 1 an Active card with Status 3). Retiring the old card at bind time can leave the user
 * with no working card, so with `retireReplacedCard: when-new-card-active` (the default) the retire
 * waits until `GET smartcards/{new}` shows Active. The outbox polls with its back-off (one timer, no
 * busy loop); the operator may release the hold ("retire now") after a confirmation.
 *
 * A hold also ends without the new card: the new card is Retired (6), or its request is Canceled,
 * Failed or Completed (statuses 17, 9, 8: FIM CM SDK SQL API `externalGetStatus`) while the card is
 * not Active. Then nothing will ever make it Active: a person decides, with the reason.
 */
export type HoldCheck =
  | { kind: 'ready' }
  | { kind: 'held'; waiting: NonNullable<OutboxOperation['waiting']> }
  | { kind: 'no-new-card' }
  /** The card to retire is the physical card just bound (a renew onto the same card): never retired. */
  | { kind: 'same-card'; cardId: string }
  /** The hold can never end on its own: why, in the station's words. */
  | { kind: 'ended'; error: StationError };

type RetireOp = Extract<OutboxOperation, { kind: 'retire' }>;

/** The request statuses after which its new card will not become Active. */
const ENDED_REQUEST_STATUSES = new Set(['Canceled', 'Failed', 'Completed']);

/** The new card a held retire waits for: the done bind of its request, or what an earlier poll saw. */
export function newCardFor(retire: RetireOp, ops: Iterable<OutboxOperation>): string | null {
  for (const op of ops) {
    if (op.kind === 'bind' && op.requestId === retire.requestId && op.state === 'done' && op.result !== null) return op.result.smartcardUuid;
  }
  return retire.waiting?.newSmartcardUuid ?? null;
}

export async function checkHold(cm: OutboxCmPort, retire: RetireOp, newSmartcardUuid: string | null, nowIso: string): Promise<HoldCheck> {
  if (retire.waitFor !== 'new-card-active') return { kind: 'ready' };
  if (newSmartcardUuid === null) return { kind: 'no-new-card' };
  const card = await cm.getSmartcard(newSmartcardUuid);
  if (card?.status === 'Active') {
    // The workflow checks this when it can reach CM; a choice made offline is checked here.
    const old = await cm.getSmartcard(retire.smartcardUuid);
    return old !== null && old.cardId === card.cardId ? { kind: 'same-card', cardId: card.cardId } : { kind: 'ready' };
  }
  if (card?.status === 'Retired') {
    return {
      kind: 'ended',
      error: new StationError(
        'RETIRE_NEW_CARD_RETIRED',
        `Not retired: the new card ${newSmartcardUuid} is Retired in CM, so the card it was to replace is still the user's. Check in CM, then retry or discard.`,
        { newSmartcardUuid, smartcardUuid: retire.smartcardUuid },
      ),
    };
  }
  const request = await cm.getRequest(retire.requestId);
  if (request !== null && ENDED_REQUEST_STATUSES.has(request.status)) {
    return {
      kind: 'ended',
      error: new StationError(
        'RETIRE_REQUEST_ENDED',
        `Not retired: request ${retire.requestId} is ${request.status} while the new card ${newSmartcardUuid} is ${card?.status ?? 'not shown'} in CM, ` +
          'so it will not become Active. Check in CM, then retry or discard.',
        { requestId: retire.requestId, requestStatus: request.status, newSmartcardUuid, newCardStatus: card?.status ?? null },
      ),
    };
  }
  return {
    kind: 'held',
    waiting: { on: 'new-card', newSmartcardUuid, lastStatus: card?.status ?? 'not found', checkedAt: nowIso, polls: (retire.waiting?.polls ?? 0) + 1 },
  };
}
