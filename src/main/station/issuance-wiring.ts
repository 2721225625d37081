import type { EnrollmentState } from '../../shared/enrollment';
import { ISSUANCE_STEPS, type IssuanceState, type IssuanceStepState, type IssueAtDesk } from '../../shared/issuance';
import type { WorkflowEvent } from '../enrollment';
import type { IssuanceService } from '../issuance';
import type { DiagnosticLog } from '../log';

/**
 * Desk issuance follows the enrollment: a bind with issuance planned (the chosen request's plan)
 * becomes an issuance once the outbox has proven it done (StepOutcome 'done' carries the card's
 * Uuid: outbox/bind-proof.ts); until then the reader shows the bind as the issuance's third step,
 * paused with ISSUANCE_NEEDS_CM while CM is offline. A card identified in a reader lets a paused
 * issuance of that card resume there; any card read while desk issuance is allowed (`issueAtDesk`
 * not off) has the issuance code loaded while the operator looks up its request.
 */
export function followEnrollment(
  issuance: IssuanceService,
  log: Pick<DiagnosticLog, 'error'>,
  now: () => Date,
  issueAtDesk: () => IssueAtDesk,
): (event: WorkflowEvent) => void {
  return (event) => {
    if (event.type === 'card') {
      if (event.reading && issueAtDesk() !== 'off') issuance.prepare();
      const identifier = event.reading?.identifier;
      if (identifier?.kind === 'piv-guid') issuance.cardSeen(event.reader, identifier.value);
      return;
    }
    const state = event.state;
    if (state.step !== 'binding' && state.step !== 'retiring' && state.step !== 'done' && state.step !== 'attention') return;
    const plan = state.issuance;
    if (!plan || plan.mode === null || state.request.profileTemplateUuid === null) return;
    if (state.bind.state === 'done') {
      const input = {
        requestId: state.request.uuid,
        reader: state.reader,
        smartcardUuid: state.bind.smartcardUuid,
        cardId: state.payload.cardid,
        atr: state.payload.atr,
        profileTemplateUuid: state.request.profileTemplateUuid,
      };
      issuance.bound(input, plan.mode).catch((err: unknown) => log.error('issuance.create-failed', err, { reader: state.reader }));
      return;
    }
    issuance.binding(state.reader, bindingView(state, now().toISOString()));
  };
}

/** What the reader shows while the bind itself is in the outbox. */
function bindingView(state: Extract<EnrollmentState, { step: 'binding' | 'retiring' | 'done' | 'attention' }>, at: string): IssuanceState {
  const status = (step: (typeof ISSUANCE_STEPS)[number]): IssuanceStepState['status'] => {
    if (step === 'capability') return 'done';
    if (step === 'chuid') return state.issuance?.chuid ? 'done' : 'skipped';
    if (step === 'bind') return state.bind.state === 'needs-attention' ? 'failed' : 'running';
    return 'pending';
  };
  const steps = ISSUANCE_STEPS.map((step) => {
    const s = status(step);
    return { step, status: s, startedAt: s === 'pending' ? null : at, endedAt: s === 'done' || s === 'skipped' || s === 'failed' ? at : null };
  });
  const base = { reader: state.reader, requestId: state.request.uuid, cardId: state.payload.cardid, steps };
  if (state.bind.state === 'needs-attention') return { phase: 'failed', ...base, error: state.bind.error };
  if (state.bind.state === 'queued') {
    return {
      phase: 'paused',
      ...base,
      error: {
        code: 'ISSUANCE_NEEDS_CM',
        message: 'Issuing the card needs CM, which is not reachable now. The bind is queued.',
        details: { reason: state.bind.reason },
      },
    };
  }
  return { phase: 'running', ...base, cancellable: false };
}
