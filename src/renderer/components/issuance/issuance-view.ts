import type { EnrollmentState } from '../../../shared/enrollment';
import type { ErrorCode } from '../../../shared/errors';
import type { IssuanceState, IssuanceStepState, IssueAtDesk } from '../../../shared/issuance';
import { PAUSED_ISSUANCE_RESUMES_WITH } from '../../../shared/issuance-pauses';
import { ISSUING_PHASES } from '../../store';

/** Pure decisions of the issuance screens (no React, no i18n): which state shows, which step is current. */

export type ShownIssuance = Exclude<IssuanceState, { phase: 'idle' }>;

/**
 * Whether the enrollment is the bind this issuance follows: the same request and the same card id
 * (both lowercase GUIDs or the station's own card id text, so equality is the comparison). A request
 * bound again later to another card is another issuance.
 */
function sameBind(issuance: ShownIssuance, enrollment: EnrollmentState | undefined): boolean {
  return enrollment !== undefined && 'payload' in enrollment && enrollment.request.uuid === issuance.requestId && enrollment.payload.cardid === issuance.cardId;
}

/**
 * The issuance the reader's panel shows, or null. Work in progress always shows (a paused issuance
 * with its card pulled included); the offer only once the bind is submitted and only when the
 * policy offers; an ended issuance only beside the enrollment of the same request (a new card
 * starts afresh).
 */
export function shownIssuance(issuance: IssuanceState | undefined, enrollment: EnrollmentState | undefined, policy: IssueAtDesk): ShownIssuance | null {
  if (!issuance || issuance.phase === 'idle' || issuanceNeedsCm(issuance, enrollment, policy)) return null;
  // Until CM holds the bind the enrollment's own step says how it goes (binding, queued, refused).
  if (!pastTheBind(issuance)) return null;
  if (issuance.phase === 'offer') {
    return policy === 'offer' && enrollment?.step === 'done' && enrollment.bind.state === 'done' ? issuance : null;
  }
  if (issuance.phase === 'paused' && waitsElsewhere(issuance, enrollment)) return null;
  if (ISSUING_PHASES.has(issuance.phase)) return issuance;
  return enrollment !== undefined && sameBind(issuance, enrollment) && !NEW_ENROLLMENT_STEPS.has(enrollment.step) ? issuance : null;
}

/**
 * Whether the issuance is past its bind step. Before that, the station mirrors the bind in the
 * outbox as the issuance's third step (station/issuance-wiring.ts): the enrollment screens already
 * show it, with their own words and actions.
 */
function pastTheBind(issuance: ShownIssuance): boolean {
  const bind = issuance.steps.find((s) => s.step === 'bind');
  return bind === undefined || bind.status === 'done' || bind.status === 'skipped';
}

/** What the station may show for a reader while its bind waits in the outbox (service.binding). */
const WHILE_BIND_QUEUED: ReadonlySet<IssuanceState['phase']> = new Set(['idle', 'offer', 'paused']);

/** Steps of a new enrollment: the card in the reader is being enrolled, whatever waits on the reader. */
const NEW_ENROLLMENT_STEPS: ReadonlySet<EnrollmentState['step']> = new Set(['card-read', 'request-chosen', 'confirming']);

/**
 * A paused issuance waits for its own card; meanwhile another card may be enrolled in that reader
 * (the same card back resumes it, and the station then reports it running). The new enrollment
 * keeps its screens; the paused issuance is mentioned beside them (IssuanceWaiting).
 */
export function waitsElsewhere(issuance: ShownIssuance, enrollment: EnrollmentState | undefined): boolean {
  if (!enrollment) return false;
  return NEW_ENROLLMENT_STEPS.has(enrollment.step) || ('payload' in enrollment && !sameBind(issuance, enrollment));
}

/**
 * Offline, the bind is queued: issuing needs CM (ISSUANCE_NEEDS_CM) and cannot start before CM holds
 * the bind, so neither the choice nor Resume is offered; the operator reads why instead of a button
 * that cannot work. (An issuance that got further, or ended, still shows as it is.)
 */
export function issuanceNeedsCm(issuance: IssuanceState | undefined, enrollment: EnrollmentState | undefined, policy: IssueAtDesk): boolean {
  if (policy === 'off' || enrollment?.step !== 'done' || enrollment.bind.state !== 'queued') return false;
  return !issuance || WHILE_BIND_QUEUED.has(issuance.phase);
}

/** The step to name in the announcement: the one running, else the one that stopped, else null (all ended). */
export function currentStep(steps: readonly IssuanceStepState[]): { step: IssuanceStepState; index: number } | null {
  const index = ['running', 'failed'].map((status) => steps.findIndex((s) => s.status === status)).find((i) => i !== -1);
  if (index === undefined) {
    const next = steps.findIndex((s) => s.status === 'pending');
    return next === -1 ? null : { step: steps[next]!, index: next };
  }
  return { step: steps[index]!, index };
}

/** Milliseconds a step took (ended) or has taken so far (running at `now`); null when it never started. */
export function stepDuration(step: IssuanceStepState, now: number): number | null {
  if (!step.startedAt) return null;
  const start = Date.parse(step.startedAt);
  const end = step.endedAt ? Date.parse(step.endedAt) : step.status === 'running' ? now : Number.NaN;
  if (Number.isNaN(start) || Number.isNaN(end)) return null;
  return Math.max(0, end - start);
}

type ResumesWith = (typeof PAUSED_ISSUANCE_RESUMES_WITH)[keyof typeof PAUSED_ISSUANCE_RESUMES_WITH];

/**
 * What brings a paused issuance back: the same card in the reader, CM reachable, or the operator's
 * Resume (worded 'other', as is a code main never pauses on). The table is read as its own value
 * type: a value added to it does not compile here until it is worded (issuance.bringsBack.*).
 */
export function bringsBack(code: ErrorCode): 'card' | 'cm' | 'other' {
  const table: Partial<Record<ErrorCode, ResumesWith>> = PAUSED_ISSUANCE_RESUMES_WITH;
  const by = table[code];
  return by === undefined || by === 'operator' ? 'other' : by;
}

/** A PIN typed on the hand-over screen checked before it is sent; the same rules main checks again. */
export function pinProblem(
  pin: string,
  confirm: string,
  rules: { minLength: number; maxLength: number },
): 'ISSUANCE_PIN_RULES' | 'ISSUANCE_PIN_MISMATCH' | null {
  if (!/^\d+$/.test(pin) || pin.length < rules.minLength || pin.length > rules.maxLength) return 'ISSUANCE_PIN_RULES';
  if (pin !== confirm) return 'ISSUANCE_PIN_MISMATCH';
  return null;
}
