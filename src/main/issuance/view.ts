import type { ErrorPayload } from '../../shared/errors';
import type { IssuanceState, PinRules } from '../../shared/issuance';
import type { IssuanceRecord } from './records';

/** What only the station's memory holds about a running issuance (never journaled). */
export interface LiveIssuance {
  /** A run is in flight. */
  running: boolean;
  /** The hand-over screen is waiting for the user's PIN. */
  pinEntry: { rules: PinRules; notice: ErrorPayload | null } | null;
  /** CM's proposed PIN, on screen until the operator says it was seen. */
  pinShown: string | null;
}

export const NOT_LIVE: LiveIssuance = { running: false, pinEntry: null, pinShown: null };

/** The screen's state of one issuance: its record, plus what only memory knows. */
export function viewOf(record: IssuanceRecord, live: LiveIssuance): IssuanceState {
  const base = { reader: record.reader, requestId: record.requestId, cardId: record.cardId, steps: record.steps };
  switch (record.phase) {
    case 'offer':
      return { phase: 'offer', ...base };
    case 'skipped':
      return { phase: 'idle', reader: record.reader };
    case 'canceled':
      return { phase: 'canceled', ...base };
    case 'done':
      return { phase: 'done', ...base, certificates: record.writes.map((w) => w.certificate) };
    case 'failed':
      return { phase: 'failed', ...base, error: record.error ?? INTERRUPTED };
    case 'paused':
      return { phase: 'paused', ...base, error: record.error ?? INTERRUPTED };
    case 'running':
      if (!live.running) return { phase: 'paused', ...base, error: INTERRUPTED };
      if (live.pinEntry) return { phase: 'pin-entry', ...base, rules: live.pinEntry.rules, notice: live.pinEntry.notice };
      if (live.pinShown !== null) return { phase: 'pin-shown', ...base, pin: live.pinShown };
      return { phase: 'running', ...base, cancellable: cancellable(record) };
  }
}

/** Safe to cancel: CM has not been asked for the certificates (or refused them). */
export function cancellable(record: IssuanceRecord): boolean {
  return record.certificateData.state === 'not-sent' || record.certificateData.state === 'refused';
}

/** A record found `running` at start-up: the station stopped mid-run. */
export const INTERRUPTED: ErrorPayload = {
  code: 'ISSUANCE_INTERRUPTED',
  message: 'The station stopped in the middle of issuing this card. It continues where it stopped when the card is in a reader.',
  details: {},
};
