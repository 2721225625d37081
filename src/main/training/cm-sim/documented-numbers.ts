/**
 * The only enum numbers the simulator acts on, each from Microsoft's published examples or the FIM
 * CM SDK, written down here on purpose instead of imported from the station's client tables
 * (src/shared/cm.ts): a simulator that shared the client's tables would agree with it by
 * construction, and could never catch a wrong number.
 */

/** Smart card Status. */
export const CARD_STATUS = {
  /** MIMDocs/reference/get-smartcard-data.md example 2: a card right after the bind. */
  assigned: 2,
  /** MIMDocs/reference/get-smartcard-data.md example 1: a card in use (renew/unblock/retire offered). */
  active: 3,
  /** MIMDocs/reference/update-smartcard-status.md example: the card after `{"status":"Retired"}`. */
  retired: 6,
} as const;

/**
 * Request Status by the names `GET /requests?status=` takes (the names of the SDK's RequestStatus).
 * Numbers: 3 in the MIMDocs/reference/get-request.md examples; the rest from the FIM CM SDK SQL API
 * page `externalGetStatus` (cm-rest-api.md, source [Q1]).
 */
export const REQUEST_STATUS_BY_NAME: Readonly<Record<string, number>> = {
  none: 0,
  approved: 3,
  denied: 4,
  completed: 8,
  failed: 9,
  pending: 16,
  canceled: 17,
  executing: 18,
};

/**
 * RequestType numbers the simulator writes into requests it creates (`POST /requests`). Only 1 and 5
 * are in Microsoft's examples (get-request.md); 7 for Retire comes from one non-reference source
 * (TechNet Wiki 4188's report script, cm-rest-api.md [T1]): an inference, labelled as such.
 */
export const CREATED_REQUEST_TYPE = {
  enroll: 1,
  unblock: 5,
  /** INFERRED ([T1] only). */
  retire: 7,
} as const;

/** The SDK's precondition for CreateSmartcard: the request is Approved or Executing. */
export const BINDABLE_REQUEST_STATUSES: ReadonlySet<number> = new Set([3, 18]);

/** Flags every smart card example shows (probably Primary). */
export const CARD_FLAGS_PRIMARY = 1;
