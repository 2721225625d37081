// PIV sessions over a card's APDU logic in memory, without PC/SC: for unit tests and for anything
// that holds a virtual card's logic directly (training mode's PIV card, src/main/training/piv-card).
import { pcscError } from '../errors';
import type { CardConnection } from '../binding';
import { createPivCardAccess } from './access';
import type { PivSessionOptions } from './session';
import type { PivCardAccess } from './types';

/** What a virtual card offers (structurally src/main/training/virtual-card.ts `CardLogic`). */
export interface ApduLogic {
  reset(): void;
  command(apdu: Buffer): { kind: 'answer'; response: Buffer } | { kind: 'ignore' } | { kind: 'die' };
}

const SCARD_W_REMOVED_CARD = 0x80100069;

/**
 * A connection to `logic`. A card that dies answers with 0 bytes (what bindings report for a card
 * pulled mid-transmit); one that ignores the command never answers (a mute card).
 */
function connectionOverLogic(logic: ApduLogic, reader = 'In-memory PIV card'): CardConnection {
  let open = true;
  return {
    reader,
    transmit(apdu) {
      if (!open) return Promise.reject(pcscError(SCARD_W_REMOVED_CARD, { operation: 'SCardTransmit', reader }));
      const reaction = logic.command(Buffer.from(apdu));
      if (reaction.kind === 'ignore') return new Promise<Uint8Array>(() => undefined);
      if (reaction.kind === 'die') return Promise.resolve(new Uint8Array());
      return Promise.resolve(Uint8Array.from(reaction.response));
    },
    async disconnect() {
      open = false;
    },
  };
}

/** PivCardAccess whose every reader holds `logic` (connect = a new connection, as SCardConnect SHARED). */
export function createInMemoryPivAccess(logic: ApduLogic, options: PivSessionOptions = {}): PivCardAccess {
  return createPivCardAccess({ connect: async (reader) => connectionOverLogic(logic, reader) }, options);
}
