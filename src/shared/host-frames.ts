import * as z from 'zod/mini';
import { ERROR_CODES } from './error-codes';

/**
 * What the station host sends the page over its WebSocket, checked by the page on arrival. Written
 * with zod/mini, not classic zod: classic zod's schemas carry every method whatever is used, and
 * the page's bridge needs only this one (ws-bridge.ts loads it beside the socket's opening, not
 * with the first screen: quality.md, "Start-up and size"). It is as strict as the contract's
 * `envelopeSchema` (errors.ts `errorPayloadSchema`): test/unit/renderer/host-frames.test.ts holds
 * the two side by side.
 */
const errorPayloadSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  details: z._default(z.record(z.string(), z.unknown()), {}),
  params: z.optional(z.record(z.string(), z.union([z.string(), z.number()]))),
});

export const envelopeFrameSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: errorPayloadSchema }),
]);

export const hostServerMessageSchema = z.union([
  z.object({ type: z.literal('reply'), id: z.int().check(z.nonnegative()), envelope: envelopeFrameSchema }),
  z.object({ type: z.literal('event'), event: z.string(), payload: z.unknown() }),
]);
export type HostServerMessage = z.infer<typeof hostServerMessageSchema>;
