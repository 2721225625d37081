import type { ErrorCode } from './error-codes';

// Plain data, no schema: the progress screen reads it from the renderer's first chunk, which must
// not carry the issuance contract's zod schemas (bench/startup.ts, "renderer first screen").

/**
 * The codes a paused issuance carries, each with what brings it back: the card (the same card in the
 * reader again), CM (reachable again) or the operator ("Issue now" / Resume). Main pauses a run on
 * exactly these (issuance/classify.ts; CM outages arrive wrapped as ISSUANCE_NEEDS_CM, a run the
 * station stopped as ISSUANCE_INTERRUPTED); the progress screen says which (issuance-view.ts).
 */
export const PAUSED_ISSUANCE_RESUMES_WITH = {
  PCSC_SERVICE_DOWN: 'card',
  PCSC_NO_READERS: 'card',
  PCSC_READER_NOT_FOUND: 'card',
  PCSC_NO_CARD: 'card',
  PCSC_SHARING_VIOLATION: 'card',
  PCSC_CARD_REMOVED: 'card',
  PCSC_CARD_RESET: 'card',
  PCSC_UNRESPONSIVE_CARD: 'card',
  PCSC_IO: 'card',
  ISSUANCE_WRONG_CARD: 'card',
  ISSUANCE_INTERRUPTED: 'card',
  ISSUANCE_NEEDS_CM: 'cm',
  STORAGE_IO: 'operator',
} as const satisfies Partial<Record<ErrorCode, 'card' | 'cm' | 'operator'>>;
