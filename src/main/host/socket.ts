import type { WebSocket } from 'ws';
import { type HostServerMessage, hostClientMessageSchema } from '../../shared/host-protocol';
import { StationError, toErrorPayload } from '../../shared/errors';
import { dispatch } from '../station';
import type { Station } from '../station';
import { reportFailure } from '../common';

/** Carries the contract over one authenticated WebSocket: requests in, replies and events out. */
export function attachStationSocket(ws: WebSocket, station: Station, maxInFlight: number): void {
  let inFlight = 0;
  const send = (message: HostServerMessage): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  };
  const unsubscribe = station.subscribe((event, payload) => send({ type: 'event', event, payload }));
  ws.on('close', unsubscribe);
  ws.on('error', unsubscribe);

  ws.on('message', (data, isBinary) => {
    const parsed = isBinary ? null : parseClientMessage(data.toString());
    if (!parsed) {
      // Without a well-formed id there is nobody to reply to; the client broke the protocol.
      ws.close(1008, 'malformed message');
      return;
    }
    if (inFlight >= maxInFlight) {
      // A flood is answered at once, without work: the station's queue stays for the operator.
      const busy = new StationError('HOST_BUSY', 'Too many requests at once; try again.', { limit: maxInFlight });
      send({ type: 'reply', id: parsed.id, envelope: { ok: false, error: busy.toPayload() } });
      return;
    }
    inFlight += 1;
    dispatch(station.handlers, parsed.channel, parsed.payload)
      .then(
        (envelope) => send({ type: 'reply', id: parsed.id, envelope }),
        (err: unknown) => send({ type: 'reply', id: parsed.id, envelope: { ok: false, error: toErrorPayload(err) } }),
      )
      .catch(reportFailure('host: reply'))
      .finally(() => {
        inFlight -= 1;
      });
  });
}

function parseClientMessage(text: string) {
  try {
    const result = hostClientMessageSchema.safeParse(JSON.parse(text));
    return result.success ? result.data : null;
  } catch {
    // Not JSON: refused like any malformed message (the caller closes the socket).
    return null;
  }
}
