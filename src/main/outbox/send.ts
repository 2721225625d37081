import { normalizeGuid } from '../../shared/cm';
import { StationError } from '../../shared/errors';
import type { OutboxOperation } from '../../shared/outbox';
import { proveBind, type BindProof } from './bind-proof';
import { asStationError } from './classify';
import { checkHold } from './held-retires';
import type { OutboxCmPort } from './port';
import { inUseError, isAnsweredRefusal, unprovenError } from './refusals';
import { checkBeforePut, ensureRetireRequest, retireRequestStatus } from './retire-route';

/** What one trip to CM produced for an operation. */
export type CmOutcome =
  /** CM did it: it said so (`sent`), or a check proved it (`proven`). */
  | { kind: 'done'; smartcardUuid: string; how: 'sent' | 'proven' }
  /** Nothing is known beyond this failure (network, server fault on a lookup): the old rules apply. */
  | { kind: 'failed'; error: StationError; phase: 'lookup' | 'send' }
  /**
   * CM answered with a refusal: counted (refusals.ts). `verified`: a check showed it was not done;
   * otherwise the check failed, the outcome stays unknown and the next attempt proves it first.
   */
  | { kind: 'refused'; error: StationError; verified: boolean }
  /** A person must decide now (card in use elsewhere, nothing provable, no card to wait for). */
  | { kind: 'attention'; error: StationError }
  /** A held retire whose new card is not Active yet, or whose Retire request awaits approval: polled again later. */
  | { kind: 'held'; waiting: NonNullable<OutboxOperation['waiting']> }
  /** Route `retire-request`: the Retire request exists in CM; its id is journaled before anything else is sent. */
  | { kind: 'retire-request-created'; retireRequestId: string; how: 'created' | 'found' };

/** Context the coordinator supplies: for a held retire, the new card of its request. */
export interface SendContext {
  newSmartcardUuid: string | null;
  nowIso: string;
}

function bound(uuid: string, how: 'sent' | 'proven'): CmOutcome {
  // What CM answered goes into the journal: it must fit the schema it is read back with.
  const smartcardUuid = normalizeGuid(uuid);
  if (smartcardUuid !== null) return { kind: 'done', smartcardUuid, how };
  const error = new StationError('CM_MALFORMED_RESPONSE', 'CM answered with a smart card id that is not a GUID.', {
    problem: uuid.slice(0, 100),
  });
  return { kind: 'failed', error, phase: how === 'proven' ? 'lookup' : 'send' };
}

function fromProof(proof: BindProof, cardId: string, refusal: StationError | null): CmOutcome | null {
  switch (proof.kind) {
    case 'bound':
      return bound(proof.smartcardUuid, 'proven');
    case 'in-use-elsewhere':
      return { kind: 'attention', error: inUseError(cardId, proof.smartcardUuid, proof.otherRequestCard, refusal) };
    case 'undecidable':
      return { kind: 'attention', error: unprovenError(proof.why, refusal) };
    case 'not-bound':
      return refusal === null ? null : { kind: 'refused', error: refusal, verified: true };
  }
}

async function sendBind(cm: OutboxCmPort, op: Extract<OutboxOperation, { kind: 'bind' }>): Promise<CmOutcome> {
  // Proof GETs only when an earlier outcome is unknown: the common path is one POST. (A verified
  // refusal was proved "not bound" already; if the resend is refused again, it is proved again.)
  if (op.outcomeUnknown) {
    try {
      const settled = fromProof(await proveBind(cm, op), op.cardId, null);
      if (settled !== null) return settled;
    } catch (err) {
      return { kind: 'failed', error: asStationError(err), phase: 'lookup' };
    }
  }
  try {
    const { smartcardUuid } = await cm.bind({ requestId: op.requestId, cardId: op.cardId, atr: op.atr });
    return bound(smartcardUuid, 'sent');
  } catch (err) {
    const error = asStationError(err);
    if (!isAnsweredRefusal(error)) return { kind: 'failed', error, phase: 'send' };
    try {
      return fromProof(await proveBind(cm, op), op.cardId, error) ?? { kind: 'refused', error, verified: true };
    } catch {
      // The check itself failed: still a refusal CM answered (counted, so refusals end), but the
      // outcome stays unknown and the next attempt proves it before any resend.
      return { kind: 'refused', error, verified: false };
    }
  }
}

/** A retire whose card is already Retired is done, whatever CM answered (issue #9, part 4). */
async function isRetired(cm: OutboxCmPort, smartcardUuid: string): Promise<boolean> {
  return (await cm.getSmartcard(smartcardUuid))?.status === 'Retired';
}

type RetireOp = Extract<OutboxOperation, { kind: 'retire' }>;

const retired = (op: RetireOp, how: 'sent' | 'proven'): CmOutcome => ({ kind: 'done', smartcardUuid: op.smartcardUuid, how });

/**
 * The checks before any retire PUT, then the route's own steps: the hold (held-retires.ts), the
 * owner and "already Retired" checks at the moment of sending, and for route `retire-request` the
 * Retire request (created once, approved) whose id the PUT takes (retire-route.ts).
 */
async function sendRetire(cm: OutboxCmPort, op: RetireOp, ctx: SendContext): Promise<CmOutcome> {
  let putUnder: string;
  try {
    // A retire that waits for nothing goes straight to CM (no await on the way): operations whose
    // 'sending' records share one flush then reach CM in the order they were dispatched.
    const hold = op.waitFor === null ? ({ kind: 'ready' } as const) : await checkHold(cm, op, ctx.newSmartcardUuid, ctx.nowIso);
    if (hold.kind === 'held') return hold;
    if (hold.kind === 'ended') return { kind: 'attention', error: hold.error };
    if (hold.kind === 'same-card') {
      const error = new StationError(
        'OUTBOX_STATE',
        `Not retired: this is the physical card just bound (${hold.cardId}), renewed onto itself. Discard this retire.`,
        {
          cardId: hold.cardId,
        },
      );
      return { kind: 'attention', error };
    }
    if (hold.kind === 'no-new-card') {
      const error = new StationError(
        'OUTBOX_STATE',
        'This retire waits for the new card to become Active, but the station does not know which card was bound. Check in CM, then use "Retire now" or discard it.',
      );
      return { kind: 'attention', error };
    }
    const check = await checkBeforePut(cm, op);
    if (check.kind === 'already-retired') return retired(op, 'proven');
    if (check.kind === 'attention') return check;
    if (op.route === 'replacing-request') {
      putUnder = op.requestId;
    } else {
      const step = op.retireRequestId === null ? await ensureRetireRequest(cm, op) : await retireRequestStatus(cm, op.retireRequestId);
      switch (step.kind) {
        case 'created':
          return { kind: 'retire-request-created', retireRequestId: step.retireRequestId, how: step.how };
        case 'waiting':
          return {
            kind: 'held',
            waiting: {
              on: 'retire-request',
              newSmartcardUuid: op.waiting?.newSmartcardUuid ?? null,
              lastStatus: step.status,
              checkedAt: ctx.nowIso,
              polls: (op.waiting?.on === 'retire-request' ? op.waiting.polls : 0) + 1,
            },
          };
        case 'completed':
          return (await isRetired(cm, op.smartcardUuid))
            ? retired(op, 'proven')
            : {
                kind: 'attention',
                error: unprovenError(
                  `the Retire request ${op.retireRequestId ?? ''} is Completed but CM does not show smart card ${op.smartcardUuid} Retired.`,
                ),
              };
        case 'attention':
          return step;
        case 'refused':
          return { kind: 'refused', error: step.error, verified: true };
        case 'failed':
          return { kind: 'failed', error: step.error, phase: 'send' };
        case 'approved':
          putUnder = step.retireRequestId;
          break;
      }
    }
  } catch (err) {
    return { kind: 'failed', error: asStationError(err), phase: 'lookup' };
  }
  let refusal: StationError;
  try {
    const answer = await cm.retire({ requestId: putUnder, smartcardUuid: op.smartcardUuid });
    if (answer === 'retired') return retired(op, 'sent');
    refusal = new StationError('CM_OUTCOME_UNKNOWN', 'CM answered the retire without showing the card Retired.', { status: 204, outcomeUnknown: true });
  } catch (err) {
    const error = asStationError(err);
    if (!isAnsweredRefusal(error)) return { kind: 'failed', error, phase: 'send' };
    refusal = error;
  }
  try {
    return (await isRetired(cm, op.smartcardUuid)) ? retired(op, 'proven') : { kind: 'refused', error: refusal, verified: true };
  } catch {
    // The check failed: the refusal is recorded unverified (the outbox logs the transition).
    return { kind: 'refused', error: refusal, verified: false };
  }
}

/** Carry an operation out in CM, proving what an earlier unknown or refused attempt did first. */
export function sendToCm(cm: OutboxCmPort, op: OutboxOperation, ctx: SendContext): Promise<CmOutcome> {
  return op.kind === 'bind' ? sendBind(cm, op) : sendRetire(cm, op, ctx);
}
