/**
 * The names of every channel, and nothing else: the preload imports this (not the contract with
 * its zod schemas), so the sandboxed bridge stays small. contract.ts is checked against these
 * lists at compile time: a channel missing from either side, or extra on one, does not build.
 */
export const INVOKE_CHANNELS = [
  'station.snapshot',
  'readers.list',
  'card.read',
  'requests.search',
  'requests.get',
  'enrollment.choose',
  'enrollment.bind',
  'enrollment.reset',
  'outbox.list',
  'outbox.retry',
  'outbox.replay',
  'outbox.discard',
  'outbox.releaseHold',
  'audit.query',
  'audit.exportCsv',
  'settings.get',
  'training.info',
  'training.insertCard',
  'training.removeCard',
  'training.reset',
  'settings.update',
  'diagnostics.run',
  'cm.check',
  'batch.set',
  'batch.clear',
  'directory.resolve',
  'diagnostics.reportError',
  'diagnostics.supportBundle',
  'issuance.get',
  'issuance.start',
  'issuance.skip',
  'issuance.submitPin',
  'issuance.pinSeen',
  'issuance.cancel',
] as const;
export type InvokeChannel = (typeof INVOKE_CHANNELS)[number];

export const EVENT_CHANNELS = [
  'readers.changed',
  'card.changed',
  'connection.changed',
  'outbox.changed',
  'enrollment.changed',
  'settings.changed',
  'batch.changed',
  'issuance.changed',
] as const;
export type EventChannel = (typeof EVENT_CHANNELS)[number];

const invokeNames: ReadonlySet<string> = new Set(INVOKE_CHANNELS);
const eventNames: ReadonlySet<string> = new Set(EVENT_CHANNELS);

export function isInvokeChannel(name: unknown): name is InvokeChannel {
  return typeof name === 'string' && invokeNames.has(name);
}
export function isEventChannel(name: unknown): name is EventChannel {
  return typeof name === 'string' && eventNames.has(name);
}

/** Electron IPC channel names: one prefix so the main process can tell ours from anything else. */
export const IPC_INVOKE_PREFIX = 'station:invoke:';
export const IPC_EVENT_PREFIX = 'station:event:';
