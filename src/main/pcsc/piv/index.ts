// The PIV card's host side: other folders import from here only.
export { createPivCardAccess } from './access';
export type { PivConnector } from './access';
export { CardPivSession, chuidValue, encrypt3desEcb, spkiFromGenerateAnswer } from './session';
export type { PivCapability, PivCardAccess, PivKeyAlgorithm, PivSession } from './types';
