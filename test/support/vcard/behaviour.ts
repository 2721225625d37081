// The tests' vpcd cards run the same APDU logic as training mode's sample cards: it lives in the
// product (src/main/training/virtual-card.ts) and is re-exported here for the test stack.
export * from '../../../src/main/training/virtual-card';
