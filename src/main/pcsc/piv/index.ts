// The PIV card's host side: other folders import from here only.
export { buildApdus, exchange, expectOk, statusError } from './apdu';
export type { Command, ExchangeOptions, Reply } from './apdu';
export { createPivCardAccess, probeSession } from './access';
export type { PivConnector } from './access';
export { connectionOverLogic, createInMemoryPivAccess } from './memory';
export type { ApduLogic } from './memory';
export { CERTIFICATE_OBJECTS, PIV_AID, YUBICO_FASCN } from './objects';
export { CardPivSession, DEFAULT_PIV_TIMEOUT_MS, chuidValue, encrypt3desEcb, spkiFromGenerateAnswer } from './session';
export type { PivSessionOptions } from './session';
export type { PivCapability, PivCardAccess, PivKeyAlgorithm, PivSession, PivSlot } from './types';
