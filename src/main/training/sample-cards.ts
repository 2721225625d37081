import type { SimulatedCard } from './simulated-pcsc';
import { type CardBehaviour, createCardLogic } from './virtual-card';

export interface SampleCardSpec {
  /** Stable id the screen uses to insert it. */
  id: string;
  label: string;
  atr: string;
  behaviour: CardBehaviour;
}

/**
 * The cards an operator can practise with. ATRs are real cards' (pcsc.md); identifiers are made up
 * and unknown to the simulator's directory, so each can be bound once per training reset.
 */
export const SAMPLE_CARDS: readonly SampleCardSpec[] = [
  {
    id: 'piv-1',
    label: 'PIV card (YubiKey 5) #1',
    atr: '3bfd1300008131fe158073c021c057597562694b657940',
    behaviour: { kind: 'piv', guid: '5a0b1c2d3e4f50617283940a1b2c3d4e' },
  },
  {
    id: 'piv-2',
    label: 'PIV card (YubiKey 5) #2',
    atr: '3bfd1300008131fe158073c021c057597562694b657940',
    behaviour: { kind: 'piv', guid: '6b1c2d3e4f5061728394a50b1c2d3e4f' },
  },
  {
    id: 'piv-3',
    label: 'PIV card (CM documentation ATR)',
    atr: '3b8d0180fba000000397425446590301c8',
    behaviour: { kind: 'piv', guid: '7c2d3e4f506172839405b60c1d2e3f40' },
  },
  {
    id: 'contactless',
    label: 'Contactless badge (MIFARE Classic 1K)',
    atr: '3b8f8001804f0ca000000306030001000000006a',
    behaviour: { kind: 'contactless', uid: '04a1b2c3d4e5f6' },
  },
  {
    id: 'unreadable',
    label: 'Card without an identifier',
    atr: '3b951381018073ff01000b',
    behaviour: { kind: 'plain' },
  },
  {
    // A whole PIV card (./piv-card) as it comes out of the box: no CHUID, factory PIN, PUK and
    // 3DES management key, firmware below 5.7. What desk issuance practises on.
    id: 'yubikey-factory',
    label: 'YubiKey 5 (factory fresh)',
    atr: '3bfd1300008131fe158073c021c057597562694b657940',
    behaviour: { kind: 'yubikey-piv' },
  },
];

/** A new physical card made to the spec: state (keys, PINs, objects) lives as long as this object. */
export function sampleCard(spec: SampleCardSpec): SimulatedCard {
  const logic = createCardLogic(spec.behaviour);
  return {
    atr: spec.atr,
    reset: () => logic.reset(),
    respond(apdu) {
      const reaction = logic.command(Buffer.from(apdu));
      // Sample cards always answer; "ignore"/"die" exist for the test cards only.
      return reaction.kind === 'answer' ? reaction.response : Buffer.from('6f00', 'hex');
    },
  };
}
