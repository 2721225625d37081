// PIV sessions over a card's APDU logic in memory, without PC/SC, for unit tests of the PIV layer
// (test/unit/piv). The station never uses it: training reaches its virtual card through the
// simulated reader (src/main/training), the same PC/SC path as a real card.
import { pcscError } from '../../src/main/pcsc/errors';
import type { CardConnection } from '../../src/main/pcsc/binding';
import { createPivCardAccess } from '../../src/main/pcsc/piv/access';
import type { PivSessionOptions } from '../../src/main/pcsc/piv/session';
import type { PivCardAccess } from '../../src/main/pcsc/piv/types';
import type { CardLogic } from '../../src/main/training/card-logic';

const SCARD_W_REMOVED_CARD = 0x80100069;

/**
 * A connection to `logic`. A card that dies answers with 0 bytes (what bindings report for a card
 * pulled mid-transmit); one that ignores the command never answers (a mute card).
 */
function connectionOverLogic(logic: CardLogic, reader = 'In-memory PIV card'): CardConnection {
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
export function createInMemoryPivAccess(logic: CardLogic, options: PivSessionOptions = {}): PivCardAccess {
  return createPivCardAccess({ connect: async (reader) => connectionOverLogic(logic, reader) }, options);
}
