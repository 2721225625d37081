import type { StationClient } from './client';
import type { RendererErrorReport } from '../shared/diagnostics';

const MESSAGE_MAX = 2048;
const STACK_MAX = 8192;

function describe(reason: unknown): { message: string; stack?: string } {
  if (reason instanceof Error) return { message: reason.message || reason.name, ...(reason.stack ? { stack: reason.stack } : {}) };
  return { message: String(reason) };
}

/**
 * Sends what the renderer fails at to the station's diagnostic log (`diagnostics.reportError`): a
 * packaged app has no console anyone reads. Cut to the contract's bounds here so a long stack is
 * shortened, not refused; main rate-limits. Reporting never throws: a failed report is dropped.
 */
export function reportError(client: StationClient, source: RendererErrorReport['source'], reason: unknown): void {
  const { message, stack } = describe(reason);
  const report: RendererErrorReport = { source, message: message.slice(0, MESSAGE_MAX), ...(stack ? { stack: stack.slice(0, STACK_MAX) } : {}) };
  client.call('diagnostics.reportError', report).catch(() => undefined);
}

/** window.onerror and unhandled promise rejections, for the whole renderer. */
export function reportUncaughtErrors(client: StationClient, target: Window = window): void {
  target.addEventListener('error', (event) => reportError(client, 'window-error', event.error ?? event.message));
  target.addEventListener('unhandledrejection', (event) => reportError(client, 'unhandled-rejection', event.reason));
}
