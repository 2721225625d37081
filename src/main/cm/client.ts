import type { CmProfileTemplate, CmRequest, CmSmartcard, Guid, RequestStatus } from '../../shared/cm';
import { createCmClientContext, type CmContextOptions } from './client-context';
import { requestOperations } from './client-requests';
import { smartcardOperations, type BindCardInput, type SetSmartcardStatusInput } from './client-smartcards';
import { templateOperations } from './client-templates';
import type { CmCall } from './execution';

export interface CmClientOptions extends CmContextOptions {
  /** CM has no user names; a directory lookup (e.g. training mode's) can supply them. */
  userDisplayName?: (userUuid: Guid) => string | null;
  /**
   * Told of each element of a list that could not be read and was skipped (the diagnostic log):
   * one odd request must not hide the others. Never the element itself (it may name people).
   */
  onSkipped?: (skipped: { route: string; index: number; problem: string }) => void;
}

export type { CmCallOutcome } from './http';

export type { BindCardInput, SetSmartcardStatusInput } from './client-smartcards';
export { normalizeCmBaseUrl } from './client-context';

export interface CmClient {
  /** `POST /smartcards`: binds the card to the request; returns the new CM smart card's Uuid. */
  bindCard(input: BindCardInput): Promise<Guid>;
  /**
   * `POST /requests` `{"type":"Retire","smartcard":"<scid>","datacollection":"[]","comment":""}`
   * (MIMDocs/reference/create-request.md: the body of its example 2, with the type Retire from its
   * list): the new Retire request's Uuid. CM may need it approved before it can be carried out.
   */
  createRetireRequest(smartcardUuid: string): Promise<Guid>;
  /** `PUT /requests/{reqid}/smartcards/{scid}`: the updated card, or null when CM answers 204. */
  setSmartcardStatus(input: SetSmartcardStatusInput): Promise<CmSmartcard | null>;
  /** `GET /requests[?status=]`. A malformed element is skipped (and reported through `onSkipped`). */
  listRequests(filter?: { status?: RequestStatus }): Promise<CmRequest[]>;
  /** The same list, saying how many elements were skipped because they could not be read. */
  listRequestsReport(filter?: { status?: RequestStatus }): Promise<{ requests: CmRequest[]; skipped: number }>;
  /** `GET /requests/{id}`: null when CM has no such request. */
  getRequest(requestId: string): Promise<CmRequest | null>;
  /** `GET /smartcards/{uuid}`: null when CM has no such card. */
  getSmartcard(smartcardUuid: string): Promise<CmSmartcard | null>;
  /**
   * `GET /smartcards?cardid=`: the CM card bound to a physical card, or null. This is how an
   * operation whose outcome is unknown (timeout, crash mid-send) is resolved before resending.
   */
  findSmartcardByCardId(cardId: string): Promise<CmSmartcard | null>;
  /**
   * Every record CM returns for a physical card. CM gives a card a new Uuid each time it is assigned
   * (FIM CM SDK), so earlier lives (Retired records) come back beside the live one, if any.
   */
  findSmartcardsByCardId(cardId: string): Promise<CmSmartcard[]>;
  /** `GET /smartcards/{uuid}/operations`: lowercased names such as `retire`. */
  getSmartcardOperations(smartcardUuid: string): Promise<string[]>;
  /** `GET /profiletemplates`: the templates CM lists for the signed-in operator. */
  listProfileTemplates(): Promise<CmProfileTemplate[]>;
}

/**
 * The client also hands out its classified exchange (cm/http.ts, with this client's timeout, GET
 * retries and call log), so the execution routes (execution.ts, `createCmExecutionClient({ call })`)
 * are sent and classified exactly as the bind and retire are.
 */
export interface CmClientWithCall extends CmClient {
  readonly call: CmCall;
}

/**
 * The client is three groups of operations (requests, smart cards, profile templates) over one shared
 * context (client-context.ts: the classified exchange with this client's retries and the reading of
 * answers), so each group reads on its own.
 */
export function createCmClient(options: CmClientOptions): CmClientWithCall {
  const context = createCmClientContext(options);
  const templates = templateOperations(context, options.userDisplayName ?? (() => null));
  return {
    call: (method, path, route, body) => context.call({ method, route }, path, body),
    ...requestOperations(context, { requestNames: templates.requestNames, onSkipped: options.onSkipped ?? (() => undefined) }),
    ...smartcardOperations(context),
    listProfileTemplates: templates.listProfileTemplates,
  };
}
