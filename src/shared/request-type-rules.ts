// No zod here: the renderer's first screen (request table and summary) reads a request's type
// without the policy schemas. request-types.ts re-exports all of it, next to the policy schemas.
import type { CmRequest, RequestType } from './cm';

/**
 * What each CM request type means for the station: whether a NEW card may be bound to it, and what
 * happens to the card named in its `OldSmartcardUuid`. This is the one table the workflow, the
 * outbox, the renderer and the CLI read (issue #9), so the rule "an Unblock acts on the user's
 * working card; never bind a new card to it and never retire that card" lives in one place.
 *
 * Sources: MIMDocs/reference/get-request.md (example 1: RequestType 1 = Enroll, an Approved request
 * with no card; example 2: RequestType 5 = Unblock, Approved, `OldSmartcardUuid` = `NewSmartcardUuid`
 * = the card being unblocked). Every other number is an inference (cm-rest-api.md, "Enum numbers").
 */

/** Request types that need a new physical card: the station may bind a card to these. */
export type BindableType = 'Enroll' | 'Duplicate' | 'Recover' | 'RecoverOnBehalf' | 'Renew' | 'TemporaryCardEnroll';

/**
 * What becomes of `OldSmartcardUuid` (or a card the operator names) once the new card is bound:
 * - `retire-old`: the new card replaces it; it is retired (Recover, Renew).
 * - `operator-only`: nothing by itself; a card the operator explicitly picked is retired (Enroll).
 * - `keep`: the old card stays valid, or CM handles it; never retired (Duplicate, RecoverOnBehalf,
 *   TemporaryCardEnroll). RecoverOnBehalf is "a request to recover previously archived certificates
 *   for a specific smart card or software profile" (FIM CM SDK, RequestType enumeration), whereas
 *   Recover is the one "smart cards also refer to as a replacement request": it replaces nothing.
 */
export type OldCardFate = 'retire-old' | 'operator-only' | 'keep';

export type RequestTypeRule =
  | { bindable: true; oldCard: OldCardFate }
  /** `reason`: why no new card is bound (shown beside the request; the renderer translates by type). */
  | { bindable: false; reason: string };

const ACTS_ON_EXISTING = 'acts on the card the user already has; no new card is bound to it';

export const REQUEST_TYPE_RULES: Readonly<Record<RequestType, RequestTypeRule>> = {
  Enroll: { bindable: true, oldCard: 'operator-only' },
  Duplicate: { bindable: true, oldCard: 'keep' },
  Recover: { bindable: true, oldCard: 'retire-old' },
  RecoverOnBehalf: { bindable: true, oldCard: 'keep' },
  Renew: { bindable: true, oldCard: 'retire-old' },
  TemporaryCardEnroll: { bindable: true, oldCard: 'keep' },
  Unblock: { bindable: false, reason: ACTS_ON_EXISTING },
  OfflineUnblock: { bindable: false, reason: ACTS_ON_EXISTING },
  OnlineUpdate: { bindable: false, reason: ACTS_ON_EXISTING },
  Retire: { bindable: false, reason: 'retires an existing card; no new card is bound to it' },
  Revoke: { bindable: false, reason: 'revokes the certificates of an existing card' },
  Disable: { bindable: false, reason: 'disables an existing card' },
  Reinstate: { bindable: false, reason: 'reinstates an existing card' },
  SuspendOrReinstate: { bindable: false, reason: 'suspends or reinstates an existing card' },
  TemporaryCardDisable: { bindable: false, reason: 'disables an existing temporary card' },
  TemporaryCardRetire: { bindable: false, reason: 'retires an existing temporary card' },
  None: { bindable: false, reason: 'has no request type' },
};

/**
 * RequestType numbers Microsoft documents (MIMDocs/reference/get-request.md examples 1 and 2).
 * IT cannot remap these with `requestTypeNumbers`.
 */
export const DOCUMENTED_REQUEST_TYPE_NUMBERS: Readonly<Record<number, RequestType>> = { 1: 'Enroll', 5: 'Unblock' };

/**
 * Likely names for other numbers, from one or two non-reference sources (TechNet Wiki 4188 report
 * script; 3 also in TechNet Wiki 9353). Shown as a hint ("Recover? (2)") and proposed to IT by
 * cm-check; never acted on until IT confirms the number in machine policy.
 */
export const LIKELY_REQUEST_TYPE_NUMBERS: Readonly<Record<number, RequestType>> = {
  2: 'Recover',
  3: 'Renew',
  4: 'Disable',
  6: 'Duplicate',
  7: 'Retire',
  8: 'RecoverOnBehalf',
  9: 'SuspendOrReinstate',
  10: 'OnlineUpdate',
  11: 'TemporaryCardEnroll',
};

/**
 * How the station reads a request's type:
 * - `confirmed`: a documented number, a number IT confirmed in policy, or a name CM sent as text.
 * - `unconfirmed`: a number nobody confirmed; `likely` is the best guess (or null). Bindable only
 *   after an explicit acknowledgement, and never followed by an automatic retire.
 */
export type RequestTypeReading =
  | { kind: 'confirmed'; type: RequestType; by: 'documented' | 'policy' | 'name' }
  | { kind: 'unconfirmed'; raw: string; number: number | null; likely: RequestType | null };

const UNKNOWN = /^Unknown\((.*)\)$/;

/** `policyNumbers`: machine policy `requestTypeNumbers` (request-types.ts validates it). */
export function readRequestType(type: CmRequest['type'], policyNumbers: Readonly<Record<string, RequestType>>): RequestTypeReading {
  const unknown = UNKNOWN.exec(type);
  if (unknown === null) {
    // The client decodes only documented numbers; any other decoded value came as a name.
    const documented = Object.values(DOCUMENTED_REQUEST_TYPE_NUMBERS).includes(type as RequestType);
    return { kind: 'confirmed', type: type as RequestType, by: documented ? 'documented' : 'name' };
  }
  const raw = unknown[1] ?? '';
  const number = /^\d+$/.test(raw) ? Number(raw) : null;
  if (number !== null) {
    const confirmed = policyNumbers[String(number)];
    if (confirmed !== undefined) return { kind: 'confirmed', type: confirmed, by: 'policy' };
  }
  return { kind: 'unconfirmed', raw, number, likely: number === null ? null : (LIKELY_REQUEST_TYPE_NUMBERS[number] ?? null) };
}

/** A short label: `Renew`, or `Unconfirmed type (3)` (with the likely name when one is known). */
export function requestTypeLabel(reading: RequestTypeReading): string {
  if (reading.kind === 'confirmed') return reading.type;
  return reading.likely === null ? `Unconfirmed type (${reading.raw})` : `Unconfirmed type (${reading.raw}, ${reading.likely}?)`;
}

/**
 * May the operator choose this request for a new card? An unconfirmed number needs the operator's
 * acknowledgement for that request; one whose likely name acts on an existing card (4 Disable,
 * 7 Retire, 9 SuspendOrReinstate, 10 OnlineUpdate) is refused like the confirmed type, with or
 * without it: binding a blank card to a likely Retire is never worth the guess.
 */
export type Bindability = { ok: true; needsAcknowledgement: boolean } | { ok: false; reason: string };

export function bindabilityOf(reading: RequestTypeReading): Bindability {
  if (reading.kind === 'unconfirmed') {
    const likely = reading.likely === null ? null : REQUEST_TYPE_RULES[reading.likely];
    if (likely !== null && !likely.bindable) return { ok: false, reason: `${reading.likely ?? ''}? ${likely.reason}` };
    return { ok: true, needsAcknowledgement: true };
  }
  const rule = REQUEST_TYPE_RULES[reading.type];
  return rule.bindable ? { ok: true, needsAcknowledgement: false } : { ok: false, reason: `${reading.type} ${rule.reason}` };
}

/**
 * The type numbers the station never binds a new card to, whatever the operator acknowledges: the
 * documented 5 (Unblock) and the likely names that act on an existing card. Listed in the docs.
 */
export const NEVER_BOUND_TYPE_NUMBERS: readonly number[] = [...Object.entries(DOCUMENTED_REQUEST_TYPE_NUMBERS), ...Object.entries(LIKELY_REQUEST_TYPE_NUMBERS)]
  .filter(([, type]) => !REQUEST_TYPE_RULES[type].bindable)
  .map(([n]) => Number(n))
  .sort((a, b) => a - b);

/**
 * Which card (if any) a bind of this request retires. `chosen` is a card the operator named
 * explicitly. An unconfirmed type never retires `OldSmartcardUuid` by itself; the operator may
 * still name a card explicitly.
 */
export function cardToRetire(
  reading: RequestTypeReading,
  request: Pick<CmRequest, 'oldSmartcardUuid'>,
  chosen: string | null,
): { smartcardUuid: string; source: 'request' | 'operator' } | null {
  if (reading.kind === 'unconfirmed') return chosen === null ? null : { smartcardUuid: chosen, source: 'operator' };
  const rule = REQUEST_TYPE_RULES[reading.type];
  if (!rule.bindable || rule.oldCard === 'keep') return null;
  if (chosen !== null) return { smartcardUuid: chosen, source: 'operator' };
  if (rule.oldCard === 'retire-old' && request.oldSmartcardUuid !== null) return { smartcardUuid: request.oldSmartcardUuid, source: 'request' };
  return null;
}
