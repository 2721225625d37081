import type { z } from 'zod';
import { malformedResponse, type CmCallContext } from './errors';

/**
 * A CM answer's body read against its wire schema: anything else (not JSON, not the documented
 * shape) is a typed CM_MALFORMED_RESPONSE naming the route and the first field that did not fit,
 * never the body itself. The client's reads (client-context.ts), the execution routes
 * (execution.ts) and cm-check's (check-issuance.ts) all read through this.
 */
export function readCmBody<S extends z.ZodType>(schema: S, text: string, ctx: CmCallContext, status: number): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // Translated: an answer that is not JSON is a typed error naming the route.
    throw malformedResponse(ctx, status, 'the body is not JSON');
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? 'body' : issue.path.join('.');
    throw malformedResponse(ctx, status, `${where}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}
