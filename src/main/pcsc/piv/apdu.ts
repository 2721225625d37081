// The APDU layer under the PIV session: builds short command APDUs (ISO 7816-4 §5.1, command chaining
// with CLA b5 for data over 255 bytes), collects `61 xx` answers with GET RESPONSE, and turns status
// words into typed errors. The exchange follows yubico-piv-tool's `_ykpiv_transfer_data`
// (lib/ykpiv.c): 255-byte chunks, CLA | 0x10 on all but the last, `00 C0 00 00 xx` while SW1 = 61,
// and a resend with Le = xx on `6C xx`.
import { StationError } from '../../../shared/errors';
import { byteHex } from '../../../shared/hex';
import type { CardConnection } from '../binding';
import { shortResponseError, unresponsiveCardError } from '../errors';

export interface Command {
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  readonly data?: Uint8Array;
  /** Append Le = 00 (up to 256 bytes, more through 61 xx): for commands that answer with data. */
  readonly le?: boolean;
}

export interface Reply {
  readonly data: Buffer;
  /** SW1 SW2 as one number, e.g. 0x9000. */
  readonly sw: number;
}

const MAX_SHORT_DATA = 255;
/** Bounds for hostile or broken cards: a PIV object is at most a few KB (YKPIV_OBJ_MAX_SIZE 3072). */
const MAX_RESPONSE_BYTES = 16 * 1024;
const MAX_GET_RESPONSE_ROUNDS = 80;

/** The APDUs one command is sent as: one, or a chain of 255-byte chunks. */
export function buildApdus(command: Command): Buffer[] {
  const data = command.data ?? new Uint8Array();
  const header = (cla: number) => [cla, command.ins, command.p1, command.p2];
  if (data.length === 0) return [Buffer.from([...header(0x00), ...(command.le ? [0x00] : [])])];
  const apdus: Buffer[] = [];
  for (let offset = 0; offset < data.length; offset += MAX_SHORT_DATA) {
    const chunk = data.subarray(offset, offset + MAX_SHORT_DATA);
    const last = offset + MAX_SHORT_DATA >= data.length;
    apdus.push(Buffer.concat([Buffer.from([...header(last ? 0x00 : 0x10), chunk.length]), chunk, Buffer.from(last && command.le ? [0x00] : [])]));
  }
  return apdus;
}

export interface ExchangeOptions {
  /** Bound for one card exchange (a mute card blocks SCardTransmit forever). */
  readonly timeoutMs: number;
}

/**
 * Sends one command (chained if needed) and collects the whole answer. Status words other than
 * 61 xx are returned, not thrown: the caller decides what they mean (see `expectOk`). Throws only
 * for transport: PCSC_* from the binding, PCSC_CARD_REMOVED for a response shorter than SW1 SW2
 * (what every binding returns when the card is pulled mid-transmit, as identify.ts reads it), and
 * PIV_CARD_ERROR when the card never stops sending.
 */
export async function exchange(connection: CardConnection, command: Command, options: ExchangeOptions): Promise<Reply> {
  const apdus = buildApdus(command);
  let reply: Reply = { data: Buffer.alloc(0), sw: 0x9000 };
  for (const apdu of apdus) {
    reply = await transmitOnce(connection, apdu, options);
    // An intermediate chunk is answered with 90 00; anything else ends the chain (yubico-piv-tool does the same).
    if (reply.sw !== 0x9000 && apdu !== apdus[apdus.length - 1]) return reply;
  }
  const last = apdus[apdus.length - 1] ?? Buffer.alloc(0);
  if (reply.sw >> 8 === 0x6c && command.le) {
    // Wrong Le: the card says how many bytes it has; send the same command again with that Le.
    reply = await transmitOnce(connection, Buffer.concat([last.subarray(0, last.length - 1), Buffer.from([reply.sw & 0xff])]), options);
  }
  const chunks = [reply.data];
  let total = reply.data.length;
  for (let round = 0; reply.sw >> 8 === 0x61; round++) {
    if (round >= MAX_GET_RESPONSE_ROUNDS || total > MAX_RESPONSE_BYTES) {
      throw new StationError('PIV_CARD_ERROR', 'The card kept sending data past any PIV object size.', {
        operation: operationName(command),
        reason: 'response-too-long',
        bytes: total,
      });
    }
    reply = await transmitOnce(connection, Buffer.from([0x00, 0xc0, 0x00, 0x00, reply.sw & 0xff]), options);
    chunks.push(reply.data);
    total += reply.data.length;
  }
  return { data: Buffer.concat(chunks), sw: reply.sw };
}

async function transmitOnce(connection: CardConnection, apdu: Buffer, options: ExchangeOptions): Promise<Reply> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(unresponsiveCardError(connection.reader, 'piv', options.timeoutMs)), options.timeoutMs);
  });
  try {
    const response = await Promise.race([connection.transmit(apdu), deadline]);
    if (response.length < 2) throw shortResponseError(connection.reader, response.length);
    const bytes = Buffer.from(response);
    return { data: bytes.subarray(0, bytes.length - 2), sw: bytes.readUInt16BE(bytes.length - 2) };
  } finally {
    clearTimeout(timer);
  }
}

/** Names for the instructions the station sends, for error details and logs. */
const INSTRUCTIONS: Readonly<Record<number, string>> = {
  0xa4: 'SELECT',
  0xcb: 'GET DATA',
  0xdb: 'PUT DATA',
  0x87: 'GENERAL AUTHENTICATE',
  0x47: 'GENERATE ASYMMETRIC KEY PAIR',
  0x20: 'VERIFY',
  0x24: 'CHANGE REFERENCE DATA',
  0x2c: 'RESET RETRY COUNTER',
  0xff: 'SET MANAGEMENT KEY',
  0xfe: 'IMPORT ASYMMETRIC KEY',
  0xfd: 'GET VERSION',
  0xf7: 'GET METADATA',
};

function operationName(command: Pick<Command, 'ins'>): string {
  return INSTRUCTIONS[command.ins] ?? `INS ${byteHex(command.ins)}`;
}

export function swHex(sw: number): string {
  return sw.toString(16).padStart(4, '0');
}

/**
 * A status word other than 90 00 as a typed error (SP 800-73-4 part 2 §3 and the YubiKey's answers,
 * as yubico-piv-tool's `ykpiv_translate_sw_ex` reads them): 63 Cx a wrong PIN or PUK with x tries
 * left, 69 83 blocked, 69 82 security status not satisfied, 6A 82 on SELECT no PIV applet.
 */
export function statusError(command: Pick<Command, 'ins'>, sw: number): StationError {
  const operation = operationName(command);
  const details = { operation, sw: swHex(sw) };
  if ((sw & 0xfff0) === 0x63c0) {
    return new StationError('PIV_PIN_WRONG', 'The PIN is wrong.', { ...details, triesLeft: sw & 0x0f });
  }
  if (sw === 0x6983) return new StationError('PIV_PIN_BLOCKED', 'The PIN is blocked.', details);
  if (sw === 0x6982) return new StationError('PIV_SECURITY_STATUS', 'The card refused the command: it needs an authentication first.', details);
  if (sw === 0x6a82 && command.ins === 0xa4) return new StationError('PIV_NOT_PRESENT', 'The card has no PIV application.', details);
  return new StationError('PIV_CARD_ERROR', `The card answered ${operation} with status ${swHex(sw)}.`, details);
}

/** The reply's data when the card said 90 00, else its typed error. */
export function expectOk(command: Pick<Command, 'ins'>, reply: Reply): Buffer {
  if (reply.sw !== 0x9000) throw statusError(command, reply.sw);
  return reply.data;
}

/** A reply whose bytes do not have the shape the command defines. */
export function malformed(command: Pick<Command, 'ins'>, what: string): StationError {
  return new StationError('PIV_CARD_ERROR', `The card's answer to ${operationName(command)} is malformed: ${what}.`, {
    operation: operationName(command),
    reason: 'malformed-response',
    what,
  });
}
