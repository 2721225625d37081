/**
 * What the outbox needs from CM. The real CM client (src/main/cm) is adapted to this by the
 * composition root; tests use a fake. Every method throws only StationError with a CM_* code
 * (details may carry `correlationId`, `status` and `outcomeUnknown`).
 */
export interface OutboxCmPort {
  /** `POST /smartcards`: bind the card to the request; resolves with CM's new smart card Uuid. */
  bind(args: { requestId: string; cardId: string; atr: string }): Promise<{ smartcardUuid: string }>;
  /**
   * `PUT /requests/{requestId}/smartcards/{smartcardUuid}` `{"status":"Retired"}`. Must resolve when
   * the card is already Retired: retiring is idempotent, and a resend after a crash meets exactly that.
   */
  retire(args: { requestId: string; smartcardUuid: string }): Promise<void>;
  /** `GET /smartcards?cardid=`: the CM smart card for a physical card, or null when CM has none. */
  findSmartcardByCardId(cardId: string): Promise<{ uuid: string; status: string } | null>;
}
