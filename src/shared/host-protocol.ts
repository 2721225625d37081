import { z } from 'zod';
import { envelopeSchema } from './contract';

/**
 * The host's WebSocket framing: the contract carried as JSON text frames. Requests carry an id so
 * replies can arrive out of order; events are pushed unasked.
 */
export const hostClientMessageSchema = z.object({
  id: z.number().int().nonnegative(),
  channel: z.string().max(100),
  payload: z.unknown(),
});
export type HostClientMessage = z.infer<typeof hostClientMessageSchema>;

export const hostServerMessageSchema = z.union([
  z.object({ type: z.literal('reply'), id: z.number().int().nonnegative(), envelope: envelopeSchema }),
  z.object({ type: z.literal('event'), event: z.string(), payload: z.unknown() }),
]);
export type HostServerMessage = z.infer<typeof hostServerMessageSchema>;

/** The page learns its token from the URL fragment, which browsers never send to the server. */
export const HOST_TOKEN_FRAGMENT = 'token';
export const HOST_WS_PATH = '/ws';
export const HOST_TOKEN_QUERY = 'token';
