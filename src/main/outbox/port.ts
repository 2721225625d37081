/**
 * What the outbox needs from CM. The real CM client (src/main/cm) is adapted to this by the
 * composition root (cm-client-port.ts); tests use a fake or a CM model. Every method throws only
 * StationError with a CM_* code (details may carry `correlationId`, `serverMessage`, `status` and
 * `outcomeUnknown`). Statuses are the station's names (`Assigned`, `Active`, `Retired`) or
 * `Unknown(n)`: only 2, 3 and 6 are documented by example (see cm-rest-api.md), so nothing else
 * is acted on.
 */
export interface OutboxCmPort {
  /** `POST /smartcards`: bind the card to the request; resolves with CM's new smart card Uuid. */
  bind(args: { requestId: string; cardId: string; atr: string }): Promise<{ smartcardUuid: string }>;
  /**
   * `PUT /requests/{requestId}/smartcards/{smartcardUuid}` `{"status":"Retired"}`. `retired`: CM's
   * answer shows the card Retired; `unconfirmed`: a 2xx that does not say (204), to be checked.
   */
  retire(args: { requestId: string; smartcardUuid: string }): Promise<'retired' | 'unconfirmed'>;
  /**
   * `POST /requests` `{"type":"Retire","smartcard":"<scid>",...}` (MIMDocs/reference/create-request.md):
   * a Retire request for the card; resolves with its Uuid (retire route `retire-request`).
   */
  createRetireRequest(args: { smartcardUuid: string }): Promise<{ requestId: string }>;
  /**
   * Open requests (Pending, Approved, Executing) acting on this card (`OldSmartcardUuid`) whose type
   * may be Retire: how a Retire request whose creation went unanswered is found again.
   */
  findOpenRetireRequests(smartcardUuid: string): Promise<RequestRecord[]>;
  /** `GET /smartcards?cardid=`: every record CM returns for the physical card (earlier lives too). */
  findSmartcardsByCardId(cardId: string): Promise<CardRecord[]>;
  /** `GET /smartcards/{uuid}`: null when CM has no such card. */
  getSmartcard(smartcardUuid: string): Promise<CardRecord | null>;
  /** `GET /requests/{id}`: null when CM has no such request. */
  getRequest(requestId: string): Promise<RequestRecord | null>;
}

export interface CardRecord {
  uuid: string;
  status: string;
  /** The physical card id (SerialNumber without braces, lowercase). */
  cardId: string;
  assignedUserUuid: string | null;
  profileTemplateUuid: string | null;
}

export interface RequestRecord {
  uuid: string;
  /** The station's status name (`Pending`, `Approved`, ...) or `Unknown(n)`. */
  status: string;
  /** The station's type name, or `Unknown(n)` for a number the client does not decode. */
  type: string;
  /** null while CM shows the empty GUID. */
  newSmartcardUuid: string | null;
  oldSmartcardUuid: string | null;
  targetUserUuid: string | null;
  profileTemplateUuid: string | null;
}
