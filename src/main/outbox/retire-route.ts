import { StationError } from '../../shared/errors';
import type { OutboxOperation } from '../../shared/outbox';
import { asStationError } from './classify';
import type { OutboxCmPort, RequestRecord } from './port';
import { isAnsweredRefusal, unprovenError } from './refusals';

/**
 * The two steps of a retire that never change, whichever request id the PUT takes, and the steps of
 * the `retire-request` route (cm-rest-api.md, "Retiring"; issue #17, part 3).
 *
 * Before every PUT, online at that moment: the card must still belong to the user of the request
 * that asked for its retire (`AssignedUserUuid`, MIMDocs/reference/get-smartcard-data.md) and must
 * not be Retired already (then the retire is done, whatever CM would answer to a repeat). A card
 * named offline was never checked; one checked at choose time may have changed hands since.
 *
 * Route `retire-request`: a Retire request for the card is created with `POST /requests`
 * `{"type":"Retire","smartcard":"<scid>","datacollection":"[]","comment":""}`
 * (MIMDocs/reference/create-request.md, example 2's body with the type Retire from its list; its
 * 201 answer is the new request's URI). Its id is journaled (the outbox settles the attempt) before
 * anything else is sent, so a crash between the POST and the PUT never creates a second request; a
 * POST whose answer was lost is resolved by looking for an open Retire request of that card (the
 * create-request example 2 shows a card-targeted request carrying the card as OldSmartcardUuid, as
 * get-request.md example 2 does). The request may need approval (its profile template's workflow):
 * while it is Pending the retire waits, visibly; Approved or Executing, the PUT goes under its id.
 */

type RetireOp = Extract<OutboxOperation, { kind: 'retire' }>;

export type PrePutCheck = { kind: 'go' } | { kind: 'already-retired' } | { kind: 'attention'; error: StationError };

/** The owner check and the "already Retired" check, right before a PUT. */
export async function checkBeforePut(cm: OutboxCmPort, op: RetireOp): Promise<PrePutCheck> {
  const card = await cm.getSmartcard(op.smartcardUuid);
  if (card === null)
    return { kind: 'attention', error: unprovenError(`CM does not show smart card ${op.smartcardUuid}, so it cannot be checked before retiring it.`) };
  if (card.status === 'Retired') return { kind: 'already-retired' };
  const request = await cm.getRequest(op.requestId);
  if (request === null)
    return { kind: 'attention', error: unprovenError(`CM no longer shows request ${op.requestId}, so the card's owner cannot be checked.`) };
  if (request.targetUserUuid === null || card.assignedUserUuid !== request.targetUserUuid) {
    return {
      kind: 'attention',
      error: new StationError(
        'RETIRE_OWNER_MISMATCH',
        `Not retired: CM shows smart card ${op.smartcardUuid} assigned to ${card.assignedUserUuid ?? 'nobody'}, ` +
          `not to the user of request ${op.requestId} (${request.targetUserUuid ?? 'none'}). Check in CM, then discard this retire or retire the card there.`,
        { smartcardUuid: op.smartcardUuid, assignedUserUuid: card.assignedUserUuid, targetUserUuid: request.targetUserUuid },
      ),
    };
  }
  return { kind: 'go' };
}

export type RetireRequestStep =
  /** The Retire request exists now (created, or found again): journal its id, then go on. */
  | { kind: 'created'; retireRequestId: string; how: 'created' | 'found' }
  /** Approved or Executing: send the PUT under this id. */
  | { kind: 'approved'; retireRequestId: string }
  /** Still Pending (or not yet answered): wait, polled with the outbox back-off. */
  | { kind: 'waiting'; status: string }
  /** Completed: CM carried it out itself; the caller checks the card. */
  | { kind: 'completed' }
  | { kind: 'attention'; error: StationError }
  /** CM refused the POST and no Retire request exists: counted like any refusal. */
  | { kind: 'refused'; error: StationError }
  /** No answer (network, outage): the outbox's usual retry; `mayHaveReachedCm` as the error says. */
  | { kind: 'failed'; error: StationError };

/** The one open Retire request of the card, none, or a person decides (several). */
async function findAgain(cm: OutboxCmPort, op: RetireOp): Promise<RequestRecord | null | StationError> {
  const open = await cm.findOpenRetireRequests(op.smartcardUuid);
  if (open.length <= 1) return open[0] ?? null;
  return unprovenError(
    `CM shows ${open.length} open requests that may retire smart card ${op.smartcardUuid} (${open.map((r) => r.uuid).join(', ')}); the station will not pick one.`,
  );
}

/** Create the Retire request once (proving first when an earlier POST went unanswered). */
export async function ensureRetireRequest(cm: OutboxCmPort, op: RetireOp): Promise<RetireRequestStep> {
  if (op.outcomeUnknown) {
    const found = await findAgain(cm, op);
    if (found instanceof StationError) return { kind: 'attention', error: found };
    if (found !== null) return { kind: 'created', retireRequestId: found.uuid, how: 'found' };
  }
  try {
    const { requestId } = await cm.createRetireRequest({ smartcardUuid: op.smartcardUuid });
    return { kind: 'created', retireRequestId: requestId, how: 'created' };
  } catch (err) {
    const error = asStationError(err);
    if (!isAnsweredRefusal(error)) return { kind: 'failed', error };
    // CM answered with a refusal: did it create the request all the same? (One lookup, then counted.)
    const found = await findAgain(cm, op);
    if (found instanceof StationError) return { kind: 'attention', error: found };
    return found === null ? { kind: 'refused', error } : { kind: 'created', retireRequestId: found.uuid, how: 'found' };
  }
}

/** Where the Retire request stands: wait for approval, go, or a person decides. */
export async function retireRequestStatus(cm: OutboxCmPort, retireRequestId: string): Promise<RetireRequestStep> {
  const request = await cm.getRequest(retireRequestId);
  if (request === null) return { kind: 'attention', error: unprovenError(`CM no longer shows the Retire request ${retireRequestId} the station created.`) };
  switch (request.status) {
    case 'Pending':
      return { kind: 'waiting', status: request.status };
    case 'Approved':
    case 'Executing':
      return { kind: 'approved', retireRequestId };
    case 'Completed':
      return { kind: 'completed' };
    case 'Denied':
    case 'Canceled':
    case 'Failed':
      return {
        kind: 'attention',
        error: new StationError(
          'RETIRE_REQUEST_ENDED',
          `Not retired: the Retire request ${retireRequestId} is ${request.status} in CM. Check it in CM, then retry (a new Retire request is created) or discard.`,
          { retireRequestId, requestStatus: request.status },
        ),
      };
    default:
      return {
        kind: 'attention',
        error: unprovenError(`the Retire request ${retireRequestId} has status ${request.status}, which the station cannot read safely.`),
      };
  }
}
