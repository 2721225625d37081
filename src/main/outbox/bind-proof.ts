import type { OutboxCmPort } from './port';

/**
 * Proof of a bind (issue #9, part 3; issue #17, part 1). Asked when a bind's outcome is unknown
 * (timeout, crash mid-send, a 204) or when CM refused it: did CM bind THIS card to THIS request?
 *
 * Only the request's own word proves it. The sample enrollment walkthrough (MIMDocs, steps 9-10)
 * has the client read the request's `newsmartcarduuid` to learn whether a card is associated with
 * the request, the empty GUID meaning none; MIMDocs/reference/get-request.md example 2 shows the
 * field set. So:
 *
 * - `NewSmartcardUuid` names a record of this physical card that is Assigned (2) or Active (3)
 *   (MIMDocs/reference/get-smartcard-data.md examples): bound. Nothing else ever is.
 * - `NewSmartcardUuid` names another physical card: the request holds another card (in use).
 * - A live record of this card for another user: the card is in use elsewhere. Never resent.
 * - A live record of this card for the request's own user while `NewSmartcardUuid` is empty: it is
 *   typically the user's other card and CM has just refused ours, but the station cannot tell:
 *   undecidable, a person reads CM's words. (Our earlier notes counted it as proof: that was wrong.)
 * - Only Retired (6) records, or none, while the request has no card: not bound. Send again (if CM
 *   did bind it after all, the resend is refused and the refusal check finds the bind).
 * - Any other status number is undocumented: undecidable, a person decides.
 *
 * CM gives a physical card a new Uuid every time it is assigned (FIM CM SDK), so the lookup by
 * card id also returns earlier lives; a Retired record proves nothing either way.
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
  const cardId = op.cardId.toLowerCase();
  const records = await cm.findSmartcardsByCardId(op.cardId);
  const unknown = records.find((r) => !LIVE.has(r.status) && !DEAD.has(r.status));
  const live = records.filter((r) => LIVE.has(r.status));
  const request = await cm.getRequest(op.requestId);
  if (request === null) return { kind: 'undecidable', why: `CM no longer shows request ${op.requestId}.` };

  // The request names its card: that record settles it, wherever the lookup was scoped.
  if (request.newSmartcardUuid !== null) {
    const named = records.find((r) => r.uuid === request.newSmartcardUuid) ?? (await cm.getSmartcard(request.newSmartcardUuid));
    if (named !== null && named.cardId === cardId) {
      if (LIVE.has(named.status)) return { kind: 'bound', smartcardUuid: named.uuid };
      return { kind: 'undecidable', why: `The request names this card's record ${named.uuid}, which CM shows as ${named.status}.` };
    }
    // The request has another card (or one CM cannot show): ours may not go on it, whatever the lookup shows.
    if (named !== null) return { kind: 'in-use-elsewhere', smartcardUuid: live[0]?.uuid ?? null, otherRequestCard: named.uuid };
    return { kind: 'undecidable', why: `The request names smart card ${request.newSmartcardUuid}, which CM does not show.` };
  }
  const someoneElses = live.find((r) => r.assignedUserUuid !== null && request.targetUserUuid !== null && r.assignedUserUuid !== request.targetUserUuid);
  if (someoneElses !== undefined) return { kind: 'in-use-elsewhere', smartcardUuid: someoneElses.uuid, otherRequestCard: null };
  const sameUser = live[0];
  if (sameUser !== undefined) {
    return {
      kind: 'undecidable',
      why:
        `CM shows this card as ${sameUser.uuid} (${sameUser.status}) for the request's own user, but the request names no card, ` +
        'so it is not this bind (it is typically the card the user already holds).',
    };
  }
  if (unknown !== undefined) {
    return { kind: 'undecidable', why: `CM shows card record ${unknown.uuid} with status ${unknown.status}, which the station cannot read safely.` };
  }
  return { kind: 'not-bound' };
}
