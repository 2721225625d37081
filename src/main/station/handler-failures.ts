// A handler that throws anything but a StationError has a bug (dispatch.ts answers INTERNAL to the
// caller): the diagnostic log gets what it was, with the channel, so support sees more than
// "an unexpected error occurred". The error still reaches dispatch unchanged.
import type { InvokeChannel } from '../../shared/contract';
import { StationError } from '../../shared/errors';
import type { Handlers } from './dispatch';
import type { DiagnosticLog } from '../log';

export function logUnexpectedFailures(handlers: Handlers, log: DiagnosticLog): Handlers {
  const wrapped: Record<string, (request: never) => Promise<unknown>> = {};
  for (const [channel, handler] of Object.entries(handlers) as [InvokeChannel, (request: never) => Promise<unknown>][]) {
    wrapped[channel] = async (request) => {
      try {
        return await handler(request);
      } catch (err) {
        if (!(err instanceof StationError)) log.error('handler.failed', err, { channel });
        throw err;
      }
    };
  }
  return wrapped as unknown as Handlers;
}
