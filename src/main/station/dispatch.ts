import type { z } from 'zod';
import {
  type Envelope,
  type EventChannel,
  type EventPayload,
  type InvokeChannel,
  type InvokeRequest,
  type InvokeResponse,
  invokeChannels,
  isInvokeChannel,
} from '../../shared/contract';
import { StationError, toErrorPayload } from '../../shared/errors';

/** One handler per contract channel; the mapped type makes a missing handler a compile error. */
export type Handlers = {
  [C in InvokeChannel]: (request: z.output<(typeof invokeChannels)[C]['request']>) => Promise<InvokeResponse<C>>;
};

export type EventListener = <E extends EventChannel>(event: E, payload: EventPayload<E>) => void;

/**
 * The single entry point every transport (Electron IPC, the host's WebSocket, tests) uses to call
 * the station. It is where untrusted input becomes typed: the channel name is checked against the
 * contract, the payload parsed with its schema, and every failure turned into an error envelope.
 * Responses are parsed too, so a handler can never send something the contract does not describe.
 */
export async function dispatch(handlers: Handlers, channel: unknown, payload: unknown): Promise<Envelope<unknown>> {
  try {
    if (!isInvokeChannel(channel)) {
      throw new StationError('UNKNOWN_CHANNEL', 'The station does not know that request.', {
        channel: typeof channel === 'string' ? channel.slice(0, 100) : typeof channel,
      });
    }
    const spec = invokeChannels[channel];
    const parsed = spec.request.safeParse(payload ?? {});
    if (!parsed.success) {
      throw new StationError('BAD_REQUEST', 'The request was not well formed.', {
        channel,
        issues: parsed.error.issues.slice(0, 10).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
      });
    }
    const handler = handlers[channel] as (request: unknown) => Promise<unknown>;
    const value = spec.response.parse(await handler(parsed.data));
    return { ok: true, value };
  } catch (err) {
    // Anything but a StationError is a bug (a handler broke the contract, or threw raw): the
    // operator gets a plain message, the process log gets the cause.
    if (!(err instanceof StationError)) console.error(`station: ${String(channel)} failed unexpectedly:`, err);
    return { ok: false, error: toErrorPayload(err) };
  }
}

/** Typed direct call for in-process callers (CLI, tests): throws StationError instead of enveloping. */
export async function call<C extends InvokeChannel>(handlers: Handlers, channel: C, request: InvokeRequest<C>): Promise<InvokeResponse<C>> {
  const envelope = await dispatch(handlers, channel, request);
  if (!envelope.ok) throw StationError.fromPayload(envelope.error);
  return envelope.value as InvokeResponse<C>;
}
