// A virtual YubiKey 5 PIV card behind the CardLogic interface of ../virtual-card.ts: the transport
// a card's operating system gives every application (command chaining, GET RESPONSE, extended
// length; ISO 7816-4 §5.1 and §5.3.3) around the PIV applet (./applet.ts). Pure: no sockets, no
// timers; it never throws for any APDU, it answers a status word.
//
// Where the sources say nothing, these are the card's choices (each checked against what the real
// tools accept, test/integration/piv-card-tools.test.ts):
// - A short command gets at most Ne bytes (Le absent or 00 = 256), the rest through 61xx + GET
//   RESPONSE; any other command drops what was not fetched. OpenSC first asks 8 bytes to learn a
//   length: it gets 8 and 61xx.
// - A chain (CLA 10) is joined up to 3072 bytes (a YubiKey's buffer), else 6700; a command with
//   another header abandons it.
// - PIN-always (9C): the VERIFY must be the command right before the key operation (GET RESPONSE
//   and chain parts do not count), and one VERIFY serves one operation.
// - Touch policies are stored and reported but never wait: a virtual card has no button.
// - The 9B key has no retry counter (as on a YubiKey); a wrong answer is 6982 and clears the
//   authentication. A challenge is good for the next command only.
// - ATTEST (F9) and MOVE/DELETE KEY (5.7) are not implemented: 6D00. The card has no attestation key.
// - Only the PIV applet exists: SELECT of another AID answers 6A82 and PIV stays selected.
import type { CardLogic, CardReaction } from '../card-logic';
import { parseCommandApdu, SW, swBytes } from './apdu';
import { createPivApplet, type AppletAnswer } from './applet';

/** What the simpler PIV cards of ../virtual-card.ts answer SELECT with, as this applet does. */
export { APPLICATION_PROPERTY_TEMPLATE, selectsPiv } from './applet';
import { yubiKeyPivSchema, type YubiKeyPivInput } from './config';
import { createEeprom } from './state';

export { yubiKeyPivSchema, type YubiKeyPivConfig, type YubiKeyPivInput } from './config';

/** A YubiKey 5's command buffer: the most data one command (or one chain) may carry (ykpiv CB_BUF_MAX). */
const MAX_COMMAND_DATA = 3072;
const INS_GET_RESPONSE = 0xc0;
/** CLA b5: more commands of this chain follow (ISO 7816-4 §5.1.1.1). */
const CLA_CHAINING = 0x10;

export function createYubiKeyPivCard(input: YubiKeyPivInput): CardLogic {
  const config = yubiKeyPivSchema.parse(input);
  // The EEPROM outlives power cycles: made once per card, never by reset().
  const applet = createPivApplet(createEeprom(config));
  let chain: { ins: number; p1: number; p2: number; parts: Buffer[]; length: number } | null = null;
  /** Response bytes not yet fetched with GET RESPONSE. */
  let pending: Buffer | null = null;

  const answer = (data: Buffer, sw: number): CardReaction => ({ kind: 'answer', response: Buffer.concat([data, swBytes(sw)]) });

  /** Up to Ne bytes now; the rest waits for GET RESPONSE, announced by 61xx (00 = 256 or more). */
  function send(data: Buffer, ne: number): CardReaction {
    if (data.length <= ne) {
      pending = null;
      return answer(data, SW.OK);
    }
    pending = data.subarray(ne);
    return answer(data.subarray(0, ne), SW.BYTES_REMAINING | (Math.min(pending.length, 0x100) % 0x100));
  }

  function handle(raw: Buffer): CardReaction {
    const command = parseCommandApdu(raw);
    if (!command) {
      pending = null;
      chain = null;
      return answer(Buffer.alloc(0), SW.WRONG_LENGTH);
    }
    const { cla, ins, p1, p2 } = command;
    // Only the interindustry class without secure messaging, with or without chaining.
    if ((cla & ~CLA_CHAINING) !== 0) {
      pending = null;
      return answer(Buffer.alloc(0), SW.CLA_NOT_SUPPORTED);
    }
    if (ins === INS_GET_RESPONSE && cla === 0) {
      if (!pending) return answer(Buffer.alloc(0), SW.CONDITIONS);
      return send(pending, command.ne);
    }
    pending = null;

    // A command with another header abandons an unfinished chain.
    if (chain && (chain.ins !== ins || chain.p1 !== p1 || chain.p2 !== p2)) chain = null;
    const length = (chain?.length ?? 0) + command.data.length;
    if (length > MAX_COMMAND_DATA) {
      chain = null;
      return answer(Buffer.alloc(0), SW.WRONG_LENGTH);
    }
    if (cla & CLA_CHAINING) {
      chain = { ins, p1, p2, parts: [...(chain?.parts ?? []), command.data], length };
      return answer(Buffer.alloc(0), SW.OK);
    }
    const data = chain ? Buffer.concat([...chain.parts, command.data]) : command.data;
    chain = null;
    const result: AppletAnswer = applet.process({ ins, p1, p2, data });
    if (result.sw !== SW.OK) return answer(Buffer.alloc(0), result.sw);
    return send(result.data, command.ne);
  }

  return {
    reset() {
      chain = null;
      pending = null;
      applet.powerOn();
    },
    command(apdu) {
      try {
        return handle(apdu);
      } catch {
        // A card's answer to its own fault (ISO 7816-4: 6F00, no precise diagnosis); never a crash.
        pending = null;
        chain = null;
        return answer(Buffer.alloc(0), 0x6f00);
      }
    },
  };
}
