import { z } from 'zod';
import { BINDABLE_REQUEST_STATUSES, CARD_FLAGS_PRIMARY, CARD_STATUS, REQUEST_STATUS_BY_NAME, CREATED_REQUEST_TYPE } from './documented-numbers';

/**
 * The simulated CM directory and its state transitions. Objects are kept in CM's own wire shape
 * (PascalCase, numeric enums) so what the simulator stores is what it serves, and the state file
 * reads like CM's JSON. Transitions are pure: they return a new state or a CM-style refusal.
 * Numbers come from ./documented-numbers.ts, never from the station's client tables.
 */

const EMPTY_GUID = '00000000-0000-0000-0000-000000000000';

/** `{GUID}`, upper case or plain -> lowercase without braces; null when it is not a GUID. */
export function normalizeGuid(value: string): string | null {
  const bare = value
    .trim()
    .replace(/^\{(.*)\}$/, '$1')
    .toLowerCase();
  return /^[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}$/.test(bare) ? bare : null;
}

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
  /** A number, as in every Microsoft example (Enroll 1, Unblock 5; other numbers per cm-rest-api.md). */
  RequestType: z.number().int(),
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

/** A request whose certificates CM issued (`certificatedata` answers once per request: ./execution). */
export const simIssuanceSchema = z.object({
  RequestUuid: guid,
  /** Serial numbers (hex) of the certificates issued, in the order of the request's options. */
  CertificateSerials: z.array(z.string()),
  Issued: z.string(),
});
export type SimIssuance = z.infer<typeof simIssuanceSchema>;

/**
 * A key the simulated CA archived (CA key archival: the key pair the CA made for an encryption
 * certificate, kept for recovery). What CM recovers as key history (get-certificate-responses.md:
 * isKeyHistory, "a key history certificate"; get-user-certificates.md: ArchivedOnCa). [sim] The
 * simulator keeps the archive beside the directory, in the clear: training only, as its CA's keys are.
 */
export const simArchivedKeySchema = z.object({
  UserUuid: guid,
  ProfileTemplateUuid: guid,
  TemplateCommonName: z.string(),
  /** The request whose certificatedata made it; the empty GUID for one the training directory starts with. */
  RequestUuid: guid,
  Archived: z.string(),
  /**
   * Base64 DER certificate and PKCS#8 key. Null for an archive entry the training directory starts with
   * (a card before this simulator existed): the CA makes that key the first time CM recovers it.
   */
  Certificate: z.string().nullable(),
  Pkcs8: z.string().nullable(),
});
export type SimArchivedKey = z.infer<typeof simArchivedKeySchema>;

export const simStateSchema = z.object({
  users: z.array(simUserSchema),
  profileTemplates: z.array(simProfileTemplateSchema),
  requests: z.array(simRequestSchema),
  smartcards: z.array(simSmartcardSchema),
  /** Absent in a state saved before desk issuance existed: none issued. */
  issuances: z.array(simIssuanceSchema).optional(),
  /** Absent in a state saved before key archival existed: nothing archived. */
  archivedKeys: z.array(simArchivedKeySchema).optional(),
});
export type SimState = z.infer<typeof simStateSchema>;

/**
 * A refusal as CM would send it. Microsoft documents only 201/204/403/500 for a bind and
 * 200/204/403/500 for a status update (MIMDocs/reference/assign-smartcard-to-request.md,
 * update-smartcard-status.md), and CM turns unhandled exceptions into 500 with a message: so every
 * refusal here is a 500 with `{"Message": ...}`. 400/409/415 happen only when a fault rule asks.
 */
export interface SimRefusal {
  ok: false;
  status: 500;
  message: string;
}
export type SimOutcome<T> = ({ ok: true } & T) | SimRefusal;

const refuse = (message: string): SimRefusal => ({ ok: false, status: 500, message });

export function requestStatusNumber(name: string): number | null {
  return REQUEST_STATUS_BY_NAME[name.trim().toLowerCase()] ?? null;
}

/** Compares card ids the way CM's lookup does: braces and case do not matter. */
export function sameCardId(serialNumber: string, cardId: string): boolean {
  const bare = (s: string) =>
    s
      .trim()
      .replace(/^\{(.*)\}$/, '$1')
      .toLowerCase();
  return bare(serialNumber) === bare(cardId);
}

export const findRequest = (state: SimState, uuid: string): SimRequest | undefined => state.requests.find((r) => r.Uuid === uuid);
export const findSmartcard = (state: SimState, uuid: string): SimSmartcard | undefined => state.smartcards.find((c) => c.Uuid === uuid);

export interface BindInput {
  requestId: string;
  cardId: string;
  atr: string;
}

/**
 * `POST /smartcards`. Refusals are 500s with a message (see SimRefusal): unknown request, request
 * not Approved/Executing (SDK precondition), request already has a card, card in use. A physical
 * card whose only records are Retired is assigned again under a NEW Uuid (FIM CM SDK: a card gets a
 * new Uuid every time it is assigned); the old records stay, so a lookup by card id finds them.
 */
export function bindCard(state: SimState, input: BindInput, newUuid: string): SimOutcome<{ state: SimState; smartcard: SimSmartcard }> {
  const requestId = normalizeGuid(input.requestId);
  if (requestId === null) return refuse('An error has occurred. The request id is not valid.');
  const request = findRequest(state, requestId);
  if (request === undefined) return refuse(`An error has occurred. Request ${requestId} was not found.`);
  if (!BINDABLE_REQUEST_STATUSES.has(request.Status)) {
    return refuse(`An error has occurred. Request ${requestId} is not in a state that allows a smart card to be assigned.`);
  }
  if (request.NewSmartcardUuid !== EMPTY_GUID) {
    return refuse(`An error has occurred. Request ${requestId} already has a smart card assigned.`);
  }
  const live = state.smartcards.find((c) => sameCardId(c.SerialNumber, input.cardId) && c.Status !== CARD_STATUS.retired);
  if (live !== undefined) {
    return refuse(`An error has occurred. The smart card ${input.cardId} is already in use (${live.Uuid}).`);
  }
  const template = state.profileTemplates.find((t) => t.Uuid === request.ProfileTemplateUuid);
  const smartcard: SimSmartcard = {
    Uuid: newUuid,
    Status: CARD_STATUS.assigned,
    Flags: CARD_FLAGS_PRIMARY,
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
      // The request keeps its status: MIMDocs/reference/get-request.md example 2 is Approved with a card.
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
 * Which request id a retire PUT may take. Microsoft does not say (cm-rest-api.md, "Retiring"):
 * `any` accepts both readings; the two others model a CM that accepts only one, so the station's
 * wrong choice ends in needs-attention with CM's words. INVENTED (a simulator setting, not CM's).
 */
export type RetireUnder = 'any' | 'retire-request' | 'replacing-request';

/** The RequestType of a Retire request: by name (the REST spelling) or the inferred number 7. */
const isRetireRequest = (request: SimRequest): boolean => request.RequestType === CREATED_REQUEST_TYPE.retire;

/**
 * `PUT /requests/{reqid}/smartcards/{scid}`. Only retiring is modelled. The card must be the one
 * the request acts on (OldSmartcardUuid) or the one bound to it (NewSmartcardUuid). Retiring a card
 * that is already Retired is refused with a 500, as a strict CM may: the station must check the
 * card rather than trust a repeat. Under a Retire request (created with `POST /requests`), the
 * request must be Approved or Executing (as any request before CM carries it out, SDK precondition),
 * and it is Completed (8) afterwards: INFERRED, the pages do not show a Retire request's life.
 */
export function setSmartcardStatus(
  state: SimState,
  input: SetStatusInput,
  retireUnder: RetireUnder = 'any',
): SimOutcome<{ state: SimState; smartcard: SimSmartcard }> {
  if (input.status.trim().toLowerCase() !== 'retired') return refuse(`An error has occurred. The status '${input.status}' cannot be set.`);
  const request = findRequest(state, input.requestId);
  if (request === undefined) return refuse(`An error has occurred. Request ${input.requestId} was not found.`);
  const card = findSmartcard(state, input.smartcardUuid);
  if (card === undefined) return refuse(`An error has occurred. Smart card ${input.smartcardUuid} was not found.`);
  if (card.Uuid !== request.OldSmartcardUuid && card.Uuid !== request.NewSmartcardUuid) {
    return refuse(`An error has occurred. Smart card ${card.Uuid} is not associated with request ${request.Uuid}.`);
  }
  const retireRequest = isRetireRequest(request);
  if ((retireUnder === 'retire-request' && !retireRequest) || (retireUnder === 'replacing-request' && retireRequest)) {
    return refuse(`An error has occurred. Request ${request.Uuid} cannot retire smart card ${card.Uuid}.`);
  }
  if (retireRequest && !BINDABLE_REQUEST_STATUSES.has(request.Status)) {
    return refuse(`An error has occurred. Request ${request.Uuid} is not approved.`);
  }
  if (card.Status === CARD_STATUS.retired) return refuse(`An error has occurred. Smart card ${card.Uuid} is already retired.`);
  const smartcard = { ...card, Status: CARD_STATUS.retired };
  const completed = REQUEST_STATUS_BY_NAME.completed ?? 8;
  return {
    ok: true,
    smartcard,
    state: {
      ...state,
      smartcards: state.smartcards.map((c) => (c.Uuid === card.Uuid ? smartcard : c)),
      requests: retireRequest ? state.requests.map((r) => (r.Uuid === request.Uuid ? { ...r, Status: completed } : r)) : state.requests,
    },
  };
}

export interface CreateRequestInput {
  type: string;
  smartcard: string | null;
  comment: string;
}

/**
 * `POST /requests` (MIMDocs/reference/create-request.md). Modelled for the card-targeted types the
 * station may create: Retire and Unblock with `smartcard` (example 2's body). The new request acts
 * on that card (OldSmartcardUuid, as get-request.md example 2 shows for the Unblock example 2
 * created) for the card's user and template. Whether it needs approval is the profile template's
 * workflow policy, not modelled per template: `approval` says (INVENTED: a simulator setting).
 */
export function createRequest(
  state: SimState,
  input: CreateRequestInput,
  newUuid: string,
  now: string,
  approval: 'required' | 'none',
): SimOutcome<{ state: SimState; request: SimRequest }> {
  const type = input.type.trim().toLowerCase();
  const number = type === 'retire' ? CREATED_REQUEST_TYPE.retire : type === 'unblock' ? CREATED_REQUEST_TYPE.unblock : null;
  // INVENTED wording: what a CM says to a type the simulator does not model.
  if (number === null) return refuse(`An error has occurred. The simulator does not create '${input.type}' requests.`);
  const cardUuid = input.smartcard === null ? null : normalizeGuid(input.smartcard);
  if (cardUuid === null) return refuse('An error has occurred. A smart card is required for this request type.');
  const card = findSmartcard(state, cardUuid);
  if (card === undefined) return refuse(`An error has occurred. Smart card ${cardUuid} was not found.`);
  if (card.Status === CARD_STATUS.retired) return refuse(`An error has occurred. Smart card ${cardUuid} is retired.`);
  const pending = REQUEST_STATUS_BY_NAME.pending ?? 16;
  const approved = REQUEST_STATUS_BY_NAME.approved ?? 3;
  const request: SimRequest = {
    Uuid: newUuid,
    RequestType: number,
    Status: approval === 'required' ? pending : approved,
    Flags: 2,
    DataCollection: [],
    DataCollectionFlags: 0,
    OriginatorUserUuid: card.AssignedUserUuid,
    TargetUserUuid: card.AssignedUserUuid,
    Submitted: now,
    Completed: '0001-01-01T00:00:00',
    NewProfileUuid: EMPTY_GUID,
    OldProfileUuid: EMPTY_GUID,
    NewSmartcardUuid: EMPTY_GUID,
    OldSmartcardUuid: card.Uuid,
    Priority: 0,
    Comment: input.comment,
    ProfileTemplateUuid: card.ProfileTemplateUuid,
    SecurityDescriptor: '',
    IsSmartcard: true,
    IsEnrollmentAgent: false,
    IsDataCollectionComplete: true,
  };
  return { ok: true, request, state: { ...state, requests: [...state.requests, request] } };
}

/** The CM portal's approval (no REST route exists for it, cm-rest-api.md): Pending becomes Approved. */
export function approveRequest(state: SimState, uuid: string): SimState | null {
  const request = findRequest(state, uuid);
  const pending = REQUEST_STATUS_BY_NAME.pending ?? 16;
  if (request?.Status !== pending) return null;
  const approved = REQUEST_STATUS_BY_NAME.approved ?? 3;
  return { ...state, requests: state.requests.map((r) => (r.Uuid === uuid ? { ...r, Status: approved } : r)) };
}

/** A CM client wrote the card (simulated): Assigned becomes Active, as the examples' statuses suggest. */
export function activateSmartcard(state: SimState, uuid: string): SimState | null {
  const card = findSmartcard(state, uuid);
  if (card?.Status !== CARD_STATUS.assigned) return null;
  return { ...state, smartcards: state.smartcards.map((c) => (c.Uuid === uuid ? { ...c, Status: CARD_STATUS.active } : c)) };
}

/** What a card's holder may do with it, as CM's operations route lists them (lowercase). */
export function smartcardOperations(card: SimSmartcard): string[] {
  if (card.Status === CARD_STATUS.active) return ['renew', 'unblock', 'retire'];
  if (card.Status === CARD_STATUS.assigned) return ['retire'];
  return [];
}
