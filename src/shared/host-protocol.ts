import { z } from 'zod';

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

// What the host sends (zod/mini) and where: separate modules, so the page reads them without
// classic zod.
export { hostServerMessageSchema, type HostServerMessage } from './host-frames';
export { HOST_TOKEN_FRAGMENT, HOST_TOKEN_QUERY, HOST_WS_PATH } from './host-address';
