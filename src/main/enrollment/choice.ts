import type { CmRequest, CmSmartcard } from '../../shared/cm';
import type { EnrollmentState, Replacement } from '../../shared/enrollment';
import { cmCardIdOf } from '../../shared/card-id';
import { StationError } from '../../shared/errors';
import { bindabilityOf, cardToRetire, readRequestType, requestTypeLabel } from '../../shared/request-types';
import { formatCmGuid } from '../pcsc';
import { BINDABLE_STATUSES } from '../requests';
import { acceptsChoice, choiceRefusal, type EnrollmentEvent } from './machine';
import type { WorkflowDeps } from './ports';

export type ChoiceDeps = Pick<WorkflowDeps, 'cm' | 'isOnline' | 'requests' | 'policy' | 'issuance'>;

export interface Choice {
  reader: string;
  requestId: string;
  /** The card the operator says this request replaces (null: none named). */
  replaceSmartcardUuid: string | null;
  /** The operator acknowledged a request type number IT has not confirmed. */
  acceptUnconfirmedType: boolean;
}

/**
 * The operator's choice of a request for the card read in `state`, checked against CM's view of
 * the request and the machine policy: only an Approved or Executing request of a bindable type
 * (an unconfirmed type number only when acknowledged), and the card it retires, if any. Returns the
 * `choose` event for the machine; throws the reason to the operator otherwise. Nothing is queued.
 */
export async function checkChoice(deps: ChoiceDeps, state: EnrollmentState, choice: Choice): Promise<Extract<EnrollmentEvent, { type: 'choose' }>> {
  const { reader, requestId } = choice;
  if (!acceptsChoice(state)) throw choiceRefusal(state);
  const { card } = state;
  // A factory PIV card has no identifier yet: the issuance plan may give it one (its CHUID).
  const planned = card.identifier.kind === 'none' && deps.issuance !== undefined;
  if (card.identifier.kind === 'none' && !planned) {
    throw new StationError('CARD_UNIDENTIFIED', 'The station could not read an identifier from this card, so CM cannot bind it. Try another card.', { reader });
  }
  // What CM is sent, by the client's own rule: never queue an id the client would refuse to send.
  const readId = cmCardIdOf(card.identifier);
  if (readId === null && !planned) {
    throw new StationError(
      'CARD_ID_UNSENDABLE',
      `This card's identifier (${card.identifier.kind} ${card.identifier.value}) is not one CM can store (a GUID, or 4 to 64 bytes of hex). Nothing was queued: use another card.`,
      { reader, kind: card.identifier.kind },
    );
  }
  const request = await deps.requests.get(requestId);
  if (!(BINDABLE_STATUSES as readonly string[]).includes(request.status)) {
    throw new StationError('REQUEST_NOT_BINDABLE', `This request is ${request.status}; CM binds a card only to an Approved or Executing request.`, {
      requestId,
      status: request.status,
    });
  }
  // Capability before commitment: under issueAtDesk `always` a card that cannot be issued is refused here.
  const issuance = deps.issuance ? await deps.issuance.plan(reader, card, request) : undefined;
  // A factory card's id is the CHUID its plan will write: pcsc/identify.ts formatCmGuid, the one derivation.
  const cardid = issuance?.chuid ? formatCmGuid(Buffer.from(issuance.chuid, 'hex')) : readId;
  if (cardid === null) {
    throw new StationError('CARD_UNIDENTIFIED', 'The station could not read an identifier from this card, so CM cannot bind it. Try another card.', { reader });
  }
  const replacement = await replacementFor(deps, request, choice.replaceSmartcardUuid, cardid, choice.acceptUnconfirmedType);
  const payload = { requestid: request.uuid, cardid, atr: card.atr };
  return { type: 'choose', request, replacement, payload, ...(issuance === undefined ? {} : { issuance }) };
}

/**
 * The card this bind retires, by the request-type table (request-types.ts): only Recover and
 * Renew retire OldSmartcardUuid by themselves; Enroll only a card the operator named; Duplicate
 * and TemporaryCardEnroll never; an unconfirmed type never by itself. Never the card being bound
 * (a renew onto the same card), never a card of another user.
 */
async function replacementFor(
  deps: ChoiceDeps,
  request: CmRequest,
  chosen: string | null,
  boundCardId: string,
  acknowledged: boolean,
): Promise<Replacement | null> {
  const policy = deps.policy();
  const reading = readRequestType(request.type, policy.requestTypeNumbers);
  const bindable = bindabilityOf(reading);
  if (!bindable.ok) {
    throw new StationError(
      'REQUEST_TYPE_NOT_BINDABLE',
      `This request is of type ${requestTypeLabel(reading)}: it ${bindable.reason.replace(/^\S+ /, '')}. Nothing was sent.`,
      {
        requestId: request.uuid,
        type: request.type,
      },
    );
  }
  if (bindable.needsAcknowledgement && !acknowledged && reading.kind === 'unconfirmed') {
    // The acknowledgement is for this request and names what the operator accepts: the likely type.
    const likely = reading.likely === null ? 'no likely name known' : `likely ${reading.likely}`;
    throw new StationError(
      'REQUEST_TYPE_UNCONFIRMED',
      `CM gives this request the type number ${reading.raw} (${likely}), which Microsoft does not document and IT has not confirmed. ` +
        'Bind only if you know this request needs a new card (acknowledge it for this request); nothing will be retired automatically.',
      { requestId: request.uuid, type: request.type, raw: reading.raw, likely: reading.likely },
    );
  }
  const target = cardToRetire(reading, request, chosen);
  if (chosen !== null && target === null) {
    throw new StationError('BAD_REQUEST', `A request of type ${requestTypeLabel(reading)} keeps the old card; no card is retired by it.`, {
      smartcardUuid: chosen,
    });
  }
  if (target === null || policy.retireReplacedCard === 'never') {
    if (chosen !== null)
      throw new StationError('BAD_REQUEST', 'IT has turned off retiring replaced cards on this station (retireReplacedCard: never).', {
        smartcardUuid: chosen,
      });
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
