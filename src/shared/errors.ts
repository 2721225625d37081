import { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from './error-codes';

// The codes live in a zod-free module (the renderer's first screen and its host frames read them);
// the rest of the station keeps taking them from here.
export { ERROR_CODES, type ErrorCode };

/** Values the renderer may put into its own wording of a code (`errors.message.<CODE>`). */
export const errorParamsSchema = z.record(z.string(), z.union([z.string(), z.number()]));
export type ErrorParams = z.infer<typeof errorParamsSchema>;

/**
 * `message` is English for logs, the CLI and IT; the renderer never shows it: it words `code`
 * (with `params`) in the operator's language.
 */
export const errorPayloadSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).default({}),
  params: errorParamsSchema.optional(),
});
export type ErrorPayload = z.infer<typeof errorPayloadSchema>;

/** JSON-safe detail values only: the payload is structured-cloned or JSON-encoded across processes. */
export type ErrorDetails = Record<string, string | number | boolean | null | readonly string[]>;

/** The one error class the station throws at its boundaries. */
export class StationError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;
  /** For the renderer's wording; by default the details that are plain strings and numbers. */
  readonly params: ErrorParams;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}, params?: ErrorParams) {
    super(message);
    this.name = 'StationError';
    this.code = code;
    this.details = details;
    this.params = params ?? paramsOf(details);
  }

  /** Rebuild the error on the receiving side; its details were JSON-safe when they were sent. */
  static fromPayload(payload: ErrorPayload): StationError {
    return new StationError(payload.code, payload.message, payload.details as ErrorDetails, payload.params);
  }

  toPayload(): ErrorPayload {
    return { code: this.code, message: this.message, details: { ...this.details }, params: { ...this.params } };
  }
}

function paramsOf(details: ErrorDetails): ErrorParams {
  const params: ErrorParams = {};
  for (const [key, value] of Object.entries(details)) {
    if (typeof value === 'string' || typeof value === 'number') params[key] = value;
  }
  return params;
}

/** Turn anything thrown into a payload; unknown errors never leak stack traces to the operator. */
export function toErrorPayload(err: unknown): ErrorPayload {
  if (err instanceof StationError) return err.toPayload();
  return { code: 'INTERNAL', message: 'An unexpected error occurred inside the station.', details: {} };
}
