export { createOutbox } from './outbox';
export type { Outbox, OutboxAuditPort, OutboxListener, OutboxOptions } from './outbox';
export type { OutboxCmPort } from './port';
export type { BackoffPolicy } from '../common';
export type { Timers } from './wake-timer';
export { classifyFailure } from './classify';
export type { FailureDisposition } from './classify';
export { outboxPortFromCmClient } from './cm-client-port';
