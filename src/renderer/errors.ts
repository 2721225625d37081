import type { ErrorPayload } from '../shared/errors';
import { StationCallError } from './client';

/** Anything a station call threw, as the payload the screens show (never a stack trace). */
export function errorPayloadOf(err: unknown): ErrorPayload {
  if (err instanceof StationCallError) return err.payload;
  return { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err), details: {} };
}
