import { z } from 'zod';
import { errorPayloadSchema } from './errors';
import { readersSnapshotSchema } from './readers';

/**
 * The station's one contract. Every channel is listed here once, with the zod schema of what it
 * carries. The preload bridge, the Electron IPC registration, the host's WebSocket dispatcher and the
 * renderer's client are all derived from these two maps, so adding a channel is one entry here plus
 * its handler in station.ts (the compiler insists on the handler).
 *
 * Everything here must be JSON-safe: the host carries it as JSON, Electron as structured clone.
 */

const empty = z.object({}).strict();

export const connectionStateSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('online'), since: z.string() }),
  z.object({ mode: z.literal('offline'), since: z.string(), reason: z.string() }),
  z.object({ mode: z.literal('unconfigured') }),
]);
export type ConnectionState = z.infer<typeof connectionStateSchema>;

export const stationSnapshotSchema = z.object({
  version: z.string(),
  training: z.boolean(),
  readers: readersSnapshotSchema,
  connection: connectionStateSchema,
});
export type StationSnapshot = z.infer<typeof stationSnapshotSchema>;

export const invokeChannels = {
  'station.snapshot': { request: empty, response: stationSnapshotSchema },
  'readers.list': { request: empty, response: readersSnapshotSchema },
} as const satisfies Record<string, { request: z.ZodType; response: z.ZodType }>;

export const eventChannels = {
  'readers.changed': readersSnapshotSchema,
  'connection.changed': connectionStateSchema,
} as const satisfies Record<string, z.ZodType>;

export type InvokeChannel = keyof typeof invokeChannels;
export type EventChannel = keyof typeof eventChannels;
export type InvokeRequest<C extends InvokeChannel> = z.input<(typeof invokeChannels)[C]['request']>;
export type InvokeResponse<C extends InvokeChannel> = z.output<(typeof invokeChannels)[C]['response']>;
export type EventPayload<E extends EventChannel> = z.output<(typeof eventChannels)[E]>;

export const INVOKE_CHANNELS = Object.keys(invokeChannels) as InvokeChannel[];
export const EVENT_CHANNELS = Object.keys(eventChannels) as EventChannel[];

export function isInvokeChannel(name: unknown): name is InvokeChannel {
  return typeof name === 'string' && Object.hasOwn(invokeChannels, name);
}
export function isEventChannel(name: unknown): name is EventChannel {
  return typeof name === 'string' && Object.hasOwn(eventChannels, name);
}

/** What every invoke returns across a process boundary: errors travel as data, never as throws. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: z.infer<typeof errorPayloadSchema> };
export const envelopeSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: errorPayloadSchema }),
]);

/**
 * The bridge the renderer sees, whichever process boundary carries it (Electron preload or the
 * host's WebSocket). Listeners receive payloads only, never a transport event object.
 */
export interface StationBridge {
  invoke<C extends InvokeChannel>(channel: C, request: InvokeRequest<C>): Promise<Envelope<InvokeResponse<C>>>;
  on<E extends EventChannel>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** Electron IPC channel names: one prefix so the main process can tell ours from anything else. */
export const IPC_INVOKE_PREFIX = 'station:invoke:';
export const IPC_EVENT_PREFIX = 'station:event:';
