import type { AuditEntryInput } from '../../shared/audit';
import type { CmRequest } from '../../shared/cm';
import type { IssuancePlan } from '../../shared/issuance';
import type { AtrFacts, CardReading, EnrollmentState } from '../../shared/enrollment';
import type { OutboxOperation, OutboxOperationInput } from '../../shared/outbox';
import type { RequestTypeNumbers, RetireReplacedCard, RetireRoute } from '../../shared/request-types';
import type { CardIdentifier, ReadersSnapshot } from '../../shared/readers';
import type { CmClient } from '../cm';
import type { DiagnosticLog } from '../log';
import type { RequestCache } from '../requests';
import type { EnrollmentEvent } from './machine';

// What the enrollment workflow needs from the rest of the station, and what its parts hand each
// other. Kept apart so the card session, the choice and the confirmation depend on these alone.

/** The reader side: live snapshots, and a fresh read of a card right before it is bound. */
export interface CardSource {
  snapshot(): ReadersSnapshot;
  subscribe(listener: (snapshot: ReadersSnapshot) => void): () => void;
  /** Reads the card in `reader` now. Throws StationError (PCSC_NO_CARD, PCSC_CARD_REMOVED, ...). */
  reread(reader: string): Promise<{ atr: string; identifier: CardIdentifier }>;
}

export interface WorkflowOutbox {
  enqueue(input: OutboxOperationInput): Promise<OutboxOperation>;
  list(): OutboxOperation[];
  subscribe(listener: (op: OutboxOperation) => void): () => void;
}

/** An audit record as the workflow states it; the station fills in who and the empty fields. */
export type AuditNote = Pick<AuditEntryInput, 'action' | 'result'> & Partial<Omit<AuditEntryInput, 'actor' | 'action' | 'result'>>;
/** `background`: nobody waits for this note (written after the fact); its disk flush stays off the event loop. */
export interface AuditNoteOptions {
  background?: boolean;
}

/** Machine policy read at each choice (request-types.ts): confirmed type numbers, retire timing. */
export type WorkflowPolicy = () => { requestTypeNumbers: RequestTypeNumbers; retireReplacedCard: RetireReplacedCard; retireRoute: RetireRoute };

export interface WorkflowDeps {
  cards: CardSource;
  describeAtr: (atr: string) => { atrSummary: string; atrFacts?: AtrFacts; model: string | null };
  cm: CmClient | null;
  isOnline: () => boolean;
  requests: RequestCache;
  outbox: WorkflowOutbox;
  audit: (note: AuditNote, options?: AuditNoteOptions) => Promise<void>;
  /** Dropped stale events and every failure the workflow handles itself go here. */
  log: Pick<DiagnosticLog, 'info' | 'warn' | 'error'>;
  policy: WorkflowPolicy;
  /** Desk issuance before the bind (src/main/issuance/gate.ts); absent: binding only, as before issue 16. */
  issuance?: IssuanceGate;
}

/**
 * Capability before commitment (issue 16): whether the chosen card can be issued here, decided
 * before anything is written, and the one write made before the bind (a factory card's CHUID).
 */
export interface IssuanceGate {
  /**
   * The plan for this card and request (undefined: policy issueAtDesk is off). Under `always`, a
   * card that cannot be issued is refused here (throws); under `offer` the plan says why not.
   */
  plan(reader: string, card: CardReading, request: CmRequest): Promise<IssuancePlan | undefined>;
  /** Right before the bind: writes the planned CHUID on a factory card (nothing otherwise). */
  prepareCard(reader: string, plan: IssuancePlan, request: CmRequest): Promise<void>;
}

export type WorkflowEvent = { type: 'enrollment'; state: EnrollmentState } | { type: 'card'; reader: string; reading: CardReading | null };

/**
 * The workflow's one way to change a reader's state (workflow.ts): through the transition table,
 * then published. Returns the state after the event (unchanged when the event was stale).
 */
export type ApplyEvent = (reader: string, event: EnrollmentEvent) => EnrollmentState;
