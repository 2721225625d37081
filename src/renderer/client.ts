import type { InvokeChannel, InvokeRequest, InvokeResponse, StationBridge } from '../shared/contract';
import type { ErrorPayload } from '../shared/errors';

/** A failed station call as the renderer sees it: the stable code plus the operator message. */
export class StationCallError extends Error {
  readonly payload: ErrorPayload;
  constructor(payload: ErrorPayload) {
    super(payload.message);
    this.name = 'StationCallError';
    this.payload = payload;
  }
}

export interface StationClient {
  call<C extends InvokeChannel>(channel: C, request: InvokeRequest<C>): Promise<InvokeResponse<C>>;
  bridge: StationBridge;
}

export function createClient(bridge: StationBridge): StationClient {
  return {
    bridge,
    async call(channel, request) {
      const envelope = await bridge.invoke(channel, request);
      if (!envelope.ok) throw new StationCallError(envelope.error);
      return envelope.value;
    },
  };
}
