import { z } from 'zod';
import {
  EMPTY_GUID,
  REQUEST_STATUSES,
  REQUEST_STATUS_NUMBERS,
  SMARTCARD_STATUSES,
  SMARTCARD_STATUS_NUMBERS,
  normalizeGuid,
  type SmartcardStatus,
} from '../../../shared/cm';

/**
 * The simulated CM directory and its state transitions. Objects are kept in CM's own wire shape
 * (PascalCase, numeric enums) so what the simulator stores is what it serves, and the state file
 * reads like CM's JSON. Transitions are pure: they return a new state or a CM-style refusal.
 */

const guid = z.string().regex(/^[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}$/);

export const simUserSchema = z.object({ Uuid: guid, DisplayName: z.string(), AccountName: z.string() });
export type SimUser = z.infer<typeof simUserSchema>;

export const simProfileTemplateSchema = z.object({
  Uuid: guid,
  Name: z.string(),
  Description: z.string(),
  IsSmartcardProfileTemplate: z.boolean(),
  IsVirtualSmartcardProfileTemplate: z.boolean(),
  /** Not part of CM's limited template view; stamped on cards as ProfileTemplateVersion. */
  Version: z.number().int(),
});
export type SimProfileTemplate = z.infer<typeof simProfileTemplateSchema>;

export const simRequestSchema = z.object({
  Uuid: guid,
  /** A number where Microsoft's examples give one (Enroll 1, Unblock 5), otherwise the name. */
  RequestType: z.union([z.number().int(), z.string()]),
  Status: z.number().int(),
  Flags: z.number().int(),
  DataCollection: z.array(z.object({ Name: z.string(), Value: z.string().nullable() })),
  DataCollectionFlags: z.number().int(),
  OriginatorUserUuid: guid,
  TargetUserUuid: guid,
  Submitted: z.string(),
  Completed: z.string(),
  NewProfileUuid: guid,
  OldProfileUuid: guid,
  NewSmartcardUuid: guid,
  OldSmartcardUuid: guid,
  Priority: z.number().int(),
  Comment: z.string(),
  ProfileTemplateUuid: guid,
  SecurityDescriptor: z.string(),
  IsSmartcard: z.boolean(),
  IsEnrollmentAgent: z.boolean(),
  IsDataCollectionComplete: z.boolean(),
});
export type SimRequest = z.infer<typeof simRequestSchema>;

export const simSmartcardSchema = z.object({
  Uuid: guid,
  Status: z.number().int(),
  Flags: z.number().int(),
  ParentSmartcardUuid: guid,
  PrimarySmartcardUuid: guid,
  PermanentSmartcardUuid: guid,
  AssignedUserUuid: guid,
  ProfileTemplateUuid: guid,
  ProfileTemplateVersion: z.number().int(),
  Comment: z.string(),
  /** CM returns the bound cardid here in braces: `{<cardid>}`. */
  SerialNumber: z.string(),
  Middleware: z.string(),
  Atr: z.string(),
});
export type SimSmartcard = z.infer<typeof simSmartcardSchema>;

export const simStateSchema = z.object({
  users: z.array(simUserSchema),
  profileTemplates: z.array(simProfileTemplateSchema),
  requests: z.array(simRequestSchema),
  smartcards: z.array(simSmartcardSchema),
});
export type SimState = z.infer<typeof simStateSchema>;

/** A refusal as CM's Web API would send it: a status and `{"Message": ...}`. */
export interface SimRefusal {
  ok: false;
  status: 400 | 404 | 409;
  message: string;
}
export type SimOutcome<T> = ({ ok: true } & T) | SimRefusal;

const refuse = (status: SimRefusal['status'], message: string): SimRefusal => ({ ok: false, status, message });

/** Flags value CM shows for an ordinary (primary) card. */
const SMARTCARD_FLAG_PRIMARY = 1;

/** The SDK's precondition for CreateSmartcard: the request is Approved or Executing. */
const BINDABLE_STATUSES: ReadonlySet<number> = new Set([REQUEST_STATUS_NUMBERS.Approved, REQUEST_STATUS_NUMBERS.Executing]);

export function requestStatusNumber(name: string): number | null {
  const match = REQUEST_STATUSES.find((s) => s.toLowerCase() === name.trim().toLowerCase());
  return match === undefined ? null : REQUEST_STATUS_NUMBERS[match];
}

function smartcardStatusFromName(name: string): SmartcardStatus | null {
  return SMARTCARD_STATUSES.find((s) => s.toLowerCase() === name.trim().toLowerCase()) ?? null;
}

/** Compares card ids the way CM's lookup does: braces and case do not matter. */
export function sameCardId(serialNumber: string, cardId: string): boolean {
  const bare = (s: string) => s.trim().replace(/^\{(.*)\}$/, '$1').toLowerCase();
  return bare(serialNumber) === bare(cardId);
}

export const findRequest = (state: SimState, uuid: string): SimRequest | undefined =>
  state.requests.find((r) => r.Uuid === uuid);
export const findSmartcard = (state: SimState, uuid: string): SimSmartcard | undefined =>
  state.smartcards.find((c) => c.Uuid === uuid);

export interface BindInput {
  requestId: string;
  cardId: string;
  atr: string;
}

/**
 * `POST /smartcards`. Refusals: 404 for an unknown request; 409 when the SDK's preconditions fail
 * (request not Approved/Executing, request already has a card, card id already bound). Microsoft
 * documents only 201/204/403/500 here; 409 is the simulator's choice so the client can tell
 * "not allowed in this state" from a server fault.
 */
export function bindCard(state: SimState, input: BindInput, newUuid: string): SimOutcome<{ state: SimState; smartcard: SimSmartcard }> {
  const requestId = normalizeGuid(input.requestId);
  if (requestId === null) return refuse(400, 'The request is invalid: requestid is not a GUID.');
  const request = findRequest(state, requestId);
  if (request === undefined) return refuse(404, `Request ${requestId} was not found.`);
  if (!BINDABLE_STATUSES.has(request.Status)) {
    return refuse(409, `Request ${requestId} is not approved; a smart card can be assigned only to an approved or executing request.`);
  }
  if (request.NewSmartcardUuid !== EMPTY_GUID) {
    return refuse(409, `Request ${requestId} already has a smart card assigned.`);
  }
  if (state.smartcards.some((c) => sameCardId(c.SerialNumber, input.cardId))) {
    return refuse(409, `The card ${input.cardId} is already assigned in Certificate Management.`);
  }
  const template = state.profileTemplates.find((t) => t.Uuid === request.ProfileTemplateUuid);
  const smartcard: SimSmartcard = {
    Uuid: newUuid,
    Status: SMARTCARD_STATUS_NUMBERS.Assigned,
    Flags: SMARTCARD_FLAG_PRIMARY,
    ParentSmartcardUuid: request.OldSmartcardUuid,
    PrimarySmartcardUuid: EMPTY_GUID,
    PermanentSmartcardUuid: EMPTY_GUID,
    AssignedUserUuid: request.TargetUserUuid,
    ProfileTemplateUuid: request.ProfileTemplateUuid,
    ProfileTemplateVersion: template?.Version ?? 1,
    Comment: '',
    SerialNumber: `{${input.cardId}}`,
    Middleware: 'MSBaseCSP',
    Atr: input.atr,
  };
  return {
    ok: true,
    smartcard,
    state: {
      ...state,
      // The request keeps its status: the reference example shows an Approved request with a card.
      requests: state.requests.map((r) => (r.Uuid === requestId ? { ...r, NewSmartcardUuid: newUuid } : r)),
      smartcards: [...state.smartcards, smartcard],
    },
  };
}

export interface SetStatusInput {
  requestId: string;
  smartcardUuid: string;
  status: string;
}

/**
 * `PUT /requests/{reqid}/smartcards/{scid}`. Only retiring is modelled. The card must be the one
 * the request acts on (OldSmartcardUuid) or the one bound to it (NewSmartcardUuid). Retiring a
 * Retired card answers 200 again: that is what makes a repeated retire safe.
 */
export function setSmartcardStatus(state: SimState, input: SetStatusInput): SimOutcome<{ state: SimState; smartcard: SimSmartcard }> {
  const status = smartcardStatusFromName(input.status);
  if (status === null) return refuse(400, `The request is invalid: unknown status '${input.status}'.`);
  if (status !== 'Retired') return refuse(400, `The request is invalid: the status cannot be set to '${status}'.`);
  const request = findRequest(state, input.requestId);
  if (request === undefined) return refuse(404, `Request ${input.requestId} was not found.`);
  const card = findSmartcard(state, input.smartcardUuid);
  if (card === undefined) return refuse(404, `Smart card ${input.smartcardUuid} was not found.`);
  if (card.Uuid !== request.OldSmartcardUuid && card.Uuid !== request.NewSmartcardUuid) {
    return refuse(409, `Smart card ${card.Uuid} is not associated with request ${request.Uuid}.`);
  }
  const smartcard = { ...card, Status: SMARTCARD_STATUS_NUMBERS.Retired };
  return {
    ok: true,
    smartcard,
    state: { ...state, smartcards: state.smartcards.map((c) => (c.Uuid === card.Uuid ? smartcard : c)) },
  };
}

/** What a card's holder may do with it, as CM's operations route lists them (lowercase). */
export function smartcardOperations(card: SimSmartcard): string[] {
  if (card.Status === SMARTCARD_STATUS_NUMBERS.Active) return ['renew', 'unblock', 'retire'];
  if (card.Status === SMARTCARD_STATUS_NUMBERS.Assigned) return ['retire'];
  return [];
}
