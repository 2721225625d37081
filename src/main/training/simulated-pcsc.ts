import type { CardConnection, ContextListener, PcscBinding, PcscContext, ReaderStatus, ServiceProbe } from '../pcsc';
import { pcscError } from '../pcsc';

/** A card the simulated reader can hold: its ATR and how it answers command APDUs. */
export interface SimulatedCard {
  readonly atr: string;
  respond(apdu: Uint8Array): Uint8Array;
  /** Back to the power-on state (selected applet etc.), as on a real reset. */
  reset?(): void;
}

export interface SimulatedPcsc {
  readonly binding: PcscBinding;
  readonly probe: ServiceProbe;
  insert(reader: string, card: SimulatedCard): void;
  remove(reader: string): void;
  /** What is in each reader now. */
  contents(): ReadonlyMap<string, SimulatedCard | null>;
}

const SCARD_E_NO_SMARTCARD = 0x8010000c;
const SCARD_W_REMOVED_CARD = 0x80100069;

/**
 * The PC/SC binding of training mode: readers that exist only in memory, with sample cards the
 * operator inserts from the screen. It implements the same small interface as the native binding,
 * so the monitor, identification and the whole workflow run unchanged on top of it.
 */
export function createSimulatedPcsc(readerNames: readonly string[]): SimulatedPcsc {
  const slots = new Map<string, { card: SimulatedCard | null; eventCount: number }>(readerNames.map((name) => [name, { card: null, eventCount: 0 }]));
  const contexts = new Set<{ listener: ContextListener; watched: Set<string> }>();

  const statusOf = (reader: string): ReaderStatus => {
    const slot = slots.get(reader);
    return { present: !!slot?.card, atr: slot?.card?.atr ?? '', eventCount: slot?.eventCount ?? 0 };
  };
  const notify = (reader: string): void => {
    for (const ctx of contexts) {
      if (ctx.watched.has(reader)) {
        const status = statusOf(reader);
        setImmediate(() => ctx.listener.status(reader, status));
      }
    }
  };
  const slotOf = (reader: string) => {
    const slot = slots.get(reader);
    if (!slot) throw new Error(`No simulated reader named ${reader}`);
    return slot;
  };

  const binding: PcscBinding = {
    establish(listener) {
      const ctx = { listener, watched: new Set<string>() };
      contexts.add(ctx);
      setImmediate(() => listener.readers([...slots.keys()]));
      const context: PcscContext = {
        watch(reader) {
          ctx.watched.add(reader);
          const status = statusOf(reader);
          setImmediate(() => listener.status(reader, status));
        },
        unwatch(reader) {
          ctx.watched.delete(reader);
        },
        async connect(reader) {
          const slot = slots.get(reader);
          if (!slot?.card) throw pcscError(SCARD_E_NO_SMARTCARD, { operation: 'SCardConnect', reader });
          const card = slot.card;
          const insertion = slot.eventCount;
          const connection: CardConnection = {
            reader,
            async transmit(apdu) {
              if (slot.card !== card || slot.eventCount !== insertion) throw pcscError(SCARD_W_REMOVED_CARD, { operation: 'SCardTransmit', reader });
              return card.respond(apdu);
            },
            async disconnect() {},
          };
          return connection;
        },
        close() {
          contexts.delete(ctx);
        },
      };
      return context;
    },
  };

  return {
    binding,
    probe: { mechanism: { kind: 'simulated' }, isUp: async () => true, watch: () => () => undefined },
    insert(reader, card) {
      const slot = slotOf(reader);
      card.reset?.();
      slot.card = card;
      slot.eventCount += 1;
      notify(reader);
    },
    remove(reader) {
      const slot = slotOf(reader);
      if (!slot.card) return;
      slot.card = null;
      slot.eventCount += 1;
      notify(reader);
    },
    contents: () => new Map([...slots].map(([name, slot]) => [name, slot.card])),
  };
}
