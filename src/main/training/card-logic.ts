// What a virtual card is to a reader: the APDU logic behind training's simulated reader and the
// tests' vpcd card processes (virtual-card.ts builds one per behaviour; piv-card/ is the YubiKey's).

/** What the card does with one command APDU. */
export type CardReaction = { kind: 'answer'; response: Buffer } | { kind: 'ignore' } | { kind: 'die' };

export interface CardLogic {
  /** Power on or reset: applet state starts over. */
  reset(): void;
  command(apdu: Buffer): CardReaction;
}
