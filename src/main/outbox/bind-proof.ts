import type { OutboxCmPort } from './port';

/**
 * Proof of a bind (issue #9, part 3). Asked when a bind's outcome is unknown (timeout, crash
 * mid-send, a 204) or when CM refused it: did CM bind THIS card to THIS request?
 *
 * `GET /smartcards?cardid=` is not enough on its own: CM gives a physical card a new Uuid every
 * time it is assigned (FIM CM SDK), so the lookup also returns records from the card's earlier
 * lives, and a live record may belong to another request (the card is in use elsewhere).
 *
 * - A record that is Assigned (2) or Active (3) (MIMDocs/reference/get-smartcard-data.md examples)
 *   proves the bind only if it is this request's: `GET requests/{id}` shows it as
 *   NewSmartcardUuid (MIMDocs/reference/get-request.md example 2 shows the field set), or, when CM
 *   leaves that field empty (the docs do not say when it is filled: INFERENCE), the record's user and
 *   template are the request's and it is not the card the request replaces.
 * - A live record for another user or request: in use elsewhere. Never resent.
 * - Only Retired (6) records, or none while the request has no card: not bound. Send again (if CM
 *   did bind it after all, the resend is refused and the refusal check finds the bind).
 * - Any other status number is undocumented: undecidable, a person decides.
 */
export type BindProof =
  | { kind: 'bound'; smartcardUuid: string }
  | { kind: 'not-bound' }
  /** `smartcardUuid`: this card's live record elsewhere (if any); `otherRequestCard`: the card the request holds instead. */
  | { kind: 'in-use-elsewhere'; smartcardUuid: string | null; otherRequestCard: string | null }
  | { kind: 'undecidable'; why: string };

const LIVE = new Set(['Assigned', 'Active']);
const DEAD = new Set(['Retired']);

export async function proveBind(cm: OutboxCmPort, op: { requestId: string; cardId: string }): Promise<BindProof> {
  const records = await cm.findSmartcardsByCardId(op.cardId);
  const unknown = records.find((r) => !LIVE.has(r.status) && !DEAD.has(r.status));
  const live = records.filter((r) => LIVE.has(r.status));
  const request = await cm.getRequest(op.requestId);
  if (request === null) return { kind: 'undecidable', why: `CM no longer shows request ${op.requestId}.` };

  // The request names its card: that record settles it, wherever the lookup was scoped.
  if (request.newSmartcardUuid !== null) {
    const mine = records.find((r) => r.uuid === request.newSmartcardUuid);
    if (mine !== undefined && LIVE.has(mine.status)) return { kind: 'bound', smartcardUuid: mine.uuid };
    if (mine === undefined) {
      const named = await cm.getSmartcard(request.newSmartcardUuid);
      if (named !== null && named.cardId === op.cardId.toLowerCase() && LIVE.has(named.status)) {
        return { kind: 'bound', smartcardUuid: named.uuid };
      }
      // The request has another card: ours may not go on it, whatever the lookup shows.
      if (named !== null && named.cardId !== op.cardId.toLowerCase()) {
        return { kind: 'in-use-elsewhere', smartcardUuid: live[0]?.uuid ?? null, otherRequestCard: named.uuid };
      }
    }
  }
  for (const record of live) {
    const sameOwner =
      request.newSmartcardUuid === null &&
      record.uuid !== request.oldSmartcardUuid &&
      record.assignedUserUuid !== null &&
      record.assignedUserUuid === request.targetUserUuid &&
      record.profileTemplateUuid === request.profileTemplateUuid;
    if (sameOwner) return { kind: 'bound', smartcardUuid: record.uuid };
  }
  if (live[0] !== undefined) return { kind: 'in-use-elsewhere', smartcardUuid: live[0].uuid, otherRequestCard: request.newSmartcardUuid };
  if (unknown !== undefined) {
    return { kind: 'undecidable', why: `CM shows card record ${unknown.uuid} with status ${unknown.status}, which the station cannot read safely.` };
  }
  return { kind: 'not-bound' };
}
