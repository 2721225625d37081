import type { EnrollmentState } from '../../shared/enrollment';
import { cmCardIdOf } from '../../shared/card-id';
import { StationError, toErrorPayload } from '../../shared/errors';
import type { OutboxOperation } from '../../shared/outbox';
import type { CardIdentifier } from '../../shared/readers';
import { isSubmitted } from './machine';
import { outcomeOf } from './outcomes';
import type { ApplyEvent, AuditNote, WorkflowDeps } from './ports';

export interface ConfirmationDeps extends Pick<WorkflowDeps, 'cards' | 'outbox' | 'audit' | 'log' | 'isOnline' | 'policy' | 'issuance'> {
  apply: ApplyEvent;
  stateOf: (reader: string) => EnrollmentState;
  /** Every reader's state, to find the ones an outbox change concerns. */
  states: () => Iterable<EnrollmentState>;
  auditInBackground: (note: AuditNote) => void;
  /** The bind of `reader`'s card is done: what the card panel says CM knows of it is out of date. */
  bound: (reader: string) => void;
}

export interface Confirmation {
  /** The operator confirmed: re-read, compare, queue the bind (and the retire), report how they stand. */
  confirm(reader: string): Promise<EnrollmentState>;
  /** An outbox operation changed: the readers whose bind or retire it is see its new outcome. */
  onOperation(op: OutboxOperation): void;
}

/**
 * The confirmation of a chosen request: the card in the reader is read again and must be the one
 * chosen (never bind another card); the bind, then the retire of the card it replaces, go through
 * the outbox, so what the operator confirmed is on disk before anything is sent and before the
 * screen says so. Afterwards the outbox's outcomes keep the reader's state up to date.
 */
export function createConfirmation(deps: ConfirmationDeps): Confirmation {
  const { apply } = deps;

  function refreshOutcomes(reader: string): EnrollmentState {
    const state = deps.stateOf(reader);
    if (!isSubmitted(state)) return state;
    const ops = new Map(deps.outbox.list().map((op) => [op.id, op]));
    const bindOp = ops.get(state.bind.operationId);
    if (!bindOp) return state;
    const retireOp = state.retire ? ops.get(state.retire.operationId) : undefined;
    const online = deps.isOnline();
    const next = apply(reader, {
      type: 'outcomes',
      insertion: state.card.insertion,
      bind: outcomeOf(bindOp, online),
      retire: retireOp ? outcomeOf(retireOp, online) : null,
    });
    if (state.bind.state !== 'done' && isSubmitted(next) && next.bind.state === 'done') deps.bound(reader);
    return next;
  }

  async function confirm(reader: string): Promise<EnrollmentState> {
    const confirming = apply(reader, { type: 'confirm' });
    if (confirming.step !== 'confirming') return confirming;
    const { payload, replacement } = confirming;
    const insertion = confirming.card.insertion;

    // Never bind a card that is not in the reader right now: read it again and compare.
    let now: { atr: string; identifier: CardIdentifier };
    try {
      now = await deps.cards.reread(reader);
    } catch (err) {
      const notice = toErrorPayload(err);
      const gone = notice.code === 'PCSC_NO_CARD' || notice.code === 'PCSC_CARD_REMOVED';
      return apply(reader, { type: 'refuse', insertion, notice, cardPresent: !gone });
    }
    // A factory card gets the CHUID its plan made (the card id shown on this screen) right before the bind.
    const plan = confirming.issuance;
    if (deps.issuance && plan?.chuid && now.atr === payload.atr && now.identifier.kind !== 'piv-guid') {
      try {
        await deps.issuance.prepareCard(reader, plan, confirming.request);
        now = await deps.cards.reread(reader);
      } catch (err) {
        deps.log.error('enrollment.chuid-failed', err, { reader });
        return apply(reader, { type: 'refuse', insertion, notice: toErrorPayload(err), cardPresent: true });
      }
    }
    // Compared as CM is sent it (shared/card-id.ts): a CPLC is queued as its hex.
    if (now.atr !== payload.atr || cmCardIdOf(now.identifier) !== payload.cardid) {
      const notice = new StationError('CARD_MISMATCH', 'A different card is in the reader. Put back the card you read, or start again with this one.', {
        reader,
        expectedCardId: payload.cardid,
        foundCardId: now.identifier.value,
      }).toPayload();
      deps.auditInBackground({
        action: 'bind.failed',
        result: 'failed',
        reader,
        cardId: payload.cardid,
        atr: payload.atr,
        requestId: payload.requestid,
        code: 'CARD_MISMATCH',
        message: notice.message,
      });
      return apply(reader, { type: 'refuse', insertion, notice, cardPresent: true });
    }

    let bind: OutboxOperation;
    try {
      await deps.audit({ action: 'bind.requested', result: 'info', reader, cardId: payload.cardid, atr: payload.atr, requestId: payload.requestid });
      bind = await deps.outbox.enqueue({ kind: 'bind', requestId: payload.requestid, cardId: payload.cardid, atr: payload.atr, reader });
    } catch (err) {
      // Nothing is queued: the operator is back at the choice with the reason, and can try again.
      deps.log.error('enrollment.enqueue-failed', err, { reader, kind: 'bind' });
      return apply(reader, { type: 'refuse', insertion, notice: toErrorPayload(err), cardPresent: true });
    }
    let retire: OutboxOperation | null = null;
    let retireFailure: unknown = null;
    if (replacement) {
      try {
        await deps.audit({ action: 'retire.requested', result: 'info', reader, requestId: payload.requestid, smartcardUuid: replacement.smartcardUuid });
        // Default policy: held in the outbox until the new card is Active (held-retires.ts).
        const waitFor = deps.policy().retireReplacedCard === 'when-new-card-active' ? 'new-card-active' : null;
        // Which request id the PUT takes is machine policy (`retireRoute`), journaled with the retire.
        const route = deps.policy().retireRoute;
        retire = await deps.outbox.enqueue({ kind: 'retire', requestId: payload.requestid, smartcardUuid: replacement.smartcardUuid, waitFor, route });
      } catch (err) {
        deps.log.error('enrollment.enqueue-failed', err, { reader, kind: 'retire' });
        retireFailure = err;
      }
    }
    const online = deps.isOnline();
    apply(reader, { type: 'outcomes', insertion, bind: outcomeOf(bind, online), retire: retire ? outcomeOf(retire, online) : null });
    if (retireFailure) {
      // The bind is safely queued and shows as such; the replaced card was not queued for retiring,
      // so the operator must hear it now (nothing would remind them later).
      throw new StationError(
        'STORAGE_IO',
        'The card is queued for binding, but retiring the card it replaces could not be saved. Retire that card from the outbox screen or the CLI.',
        { reader, smartcardUuid: replacement?.smartcardUuid ?? null, cause: toErrorPayload(retireFailure).message },
      );
    }
    // The outbox may have moved on while we enqueued the retire: read its latest word.
    return refreshOutcomes(reader);
  }

  return {
    confirm,
    onOperation(op) {
      for (const state of deps.states()) {
        if (!isSubmitted(state)) continue;
        if (state.bind.operationId !== op.id && state.retire?.operationId !== op.id) continue;
        refreshOutcomes(state.reader);
      }
    },
  };
}
