// One virtual card, in its own process (pcsc.md: a card served from the event loop of the process that
// makes PC/SC calls to it deadlocks). Speaks the vpcd protocol: every message is a 2-byte big-endian
// length plus payload; length 1 is control (00 power off, 01 power on, 02 reset, 04 get ATR),
// anything longer is a command APDU. Connecting is inserting the card, closing is removing it.
//
// Started by ./index.ts with argv[2] = JSON config and an IPC channel; reports to the parent:
// 'inserted' (TCP connected, with a wall-clock timestamp), every control/APDU it saw, 'died'.
// If vpcd goes away (pcscd stopped) the card stays "in the reader" and reconnects when it comes back,
// like a physical card sitting in a reader across a service restart.
import { connect, type Socket } from 'node:net';
import { z } from 'zod';
import { cardBehaviourSchema, createCardLogic } from './behaviour';

export const cardProcessConfigSchema = z.object({
  port: z.number().int(),
  atr: z.string().regex(/^(?:[0-9a-f]{2})+$/),
  behaviour: cardBehaviourSchema,
});
export type CardProcessConfig = z.input<typeof cardProcessConfigSchema>;

export type CardProcessMessage =
  | { type: 'inserted'; at: number }
  | { type: 'control'; op: 'power-off' | 'power-on' | 'reset' | 'get-atr' }
  | { type: 'apdu'; command: string; response: string | null }
  | { type: 'died' };

const RECONNECT_MS = 50;

const config = cardProcessConfigSchema.parse(JSON.parse(process.argv[2] ?? ''));
const logic = createCardLogic(config.behaviour);
const atr = Buffer.from(config.atr, 'hex');
let removing = false;

function report(message: CardProcessMessage): void {
  process.send?.(message);
}

function frame(payload: Buffer): Buffer {
  const header = Buffer.alloc(2);
  header.writeUInt16BE(payload.length);
  return Buffer.concat([header, payload]);
}

function handle(socket: Socket, message: Buffer): void {
  if (message.length === 1) {
    switch (message[0]) {
      case 0x00:
        report({ type: 'control', op: 'power-off' });
        return;
      case 0x01:
        logic.reset();
        report({ type: 'control', op: 'power-on' });
        return;
      case 0x02:
        logic.reset();
        report({ type: 'control', op: 'reset' });
        return;
      case 0x04:
        report({ type: 'control', op: 'get-atr' });
        socket.write(frame(atr));
        return;
    }
    return;
  }
  const reaction = logic.command(message);
  switch (reaction.kind) {
    case 'answer':
      report({ type: 'apdu', command: message.toString('hex'), response: reaction.response.toString('hex') });
      socket.write(frame(reaction.response));
      return;
    case 'ignore':
      report({ type: 'apdu', command: message.toString('hex'), response: null });
      return;
    case 'die':
      report({ type: 'apdu', command: message.toString('hex'), response: null });
      report({ type: 'died' });
      removing = true;
      socket.destroy();
      return;
  }
}

function insert(): void {
  const socket = connect({ host: '127.0.0.1', port: config.port, noDelay: true });
  let buffered = Buffer.alloc(0);
  let connected = false;
  socket.on('connect', () => {
    connected = true;
    report({ type: 'inserted', at: performance.timeOrigin + performance.now() });
  });
  socket.on('data', (chunk) => {
    buffered = Buffer.concat([buffered, chunk]);
    while (buffered.length >= 2) {
      const length = buffered.readUInt16BE(0);
      if (buffered.length < 2 + length) break;
      const message = buffered.subarray(2, 2 + length);
      buffered = buffered.subarray(2 + length);
      handle(socket, message);
    }
  });
  socket.on('error', () => undefined);
  socket.on('close', () => {
    if (removing) {
      process.exit(0);
    }
    // vpcd is gone (pcscd stopped or not yet listening): stay in the reader and come back with it.
    setTimeout(insert, connected ? 0 : RECONNECT_MS);
  });
  currentSocket = socket;
}

let currentSocket: Socket | null = null;

process.on('message', (message) => {
  if (message === 'remove') {
    removing = true;
    if (currentSocket && !currentSocket.destroyed) currentSocket.destroy();
    else process.exit(0);
  }
});
// The parent (the test) went away: take the card out rather than linger.
process.on('disconnect', () => process.exit(0));

insert();
