import type { WebSocket } from 'ws';
import { type HostServerMessage, hostClientMessageSchema } from '../../shared/host-protocol';
import { toErrorPayload } from '../../shared/errors';
import { dispatch } from '../dispatch';
import type { Station } from '../station';

/** Carries the contract over one authenticated WebSocket: requests in, replies and events out. */
export function attachStationSocket(ws: WebSocket, station: Station): void {
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
    void dispatch(station.handlers, parsed.channel, parsed.payload).then(
      (envelope) => send({ type: 'reply', id: parsed.id, envelope }),
      (err: unknown) => send({ type: 'reply', id: parsed.id, envelope: { ok: false, error: toErrorPayload(err) } }),
    );
  });
}

function parseClientMessage(text: string) {
  try {
    const result = hostClientMessageSchema.safeParse(JSON.parse(text));
    return result.success ? result.data : null;
  } catch {
    return null;
  }
}
