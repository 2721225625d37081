import { z } from 'zod';
import { guidSchema } from '../../shared/cm';
import type { EventChannel, EventPayload } from '../../shared/contract';
import { describeServiceMechanism } from '../../shared/diagnostics';
import { StationError } from '../../shared/errors';
import type { OutboxOperation } from '../../shared/outbox';
import type { EventListener, Handlers } from './dispatch';
import { createListenerSet } from '../common';
import { createStderrLog, type DiagnosticLog } from '../log';
import { logUnexpectedFailures } from './handler-failures';
import { createHandlers } from './handlers';
import { openStationServices } from './services';
import type { StationDeps, StationTuning } from './deps';

export type { StationDeps, StationTuning, TrainingControls } from './deps';

const DEFAULT_TUNING: StationTuning = {
  probeIntervalMs: 15_000,
  backoff: { baseMs: 2_000, maxMs: 5 * 60_000, jitter: 0.3 },
  outboxConcurrency: 4,
  getRetries: 2,
};

export interface Station {
  handlers: Handlers;
  /**
   * Retire a card on its own (e.g. a lost card), through the outbox. In-process only (the IT
   * CLI): no screen needs it, so it is not on the renderer's bridge (docs/security.md).
   */
  retireCard(requestId: string, smartcardUuid: string): Promise<OutboxOperation>;
  /** Every contract event, in order; returns an unsubscribe function. */
  subscribe(listener: EventListener): () => void;
  /** The diagnostic log the station writes to: the shell around it logs there too (e.g. a refused IPC sender). */
  readonly log: DiagnosticLog;
  close(): Promise<void>;
}

/**
 * The composition root, shared by the Electron shell, the host and the CLI. Pure Node: everything
 * that touches the outside world (PC/SC binding, CM transport, clock, paths) arrives in `deps`.
 * The services and their wiring are composed in station/services.ts, the channel handlers in
 * station/handlers.ts; this keeps the event stream and the station's own API.
 */
export async function createStation(deps: StationDeps): Promise<Station> {
  const tuning = { ...DEFAULT_TUNING, ...deps.tuning };
  const log = deps.log ?? createStderrLog();
  const reportListenerError = (err: unknown, source: string) => log.error('listener.failed', err, { source });
  const listeners = createListenerSet<Parameters<EventListener>>('station event', reportListenerError);
  const emit = <E extends EventChannel>(event: E, payload: EventPayload<E>): void => listeners.emit(event, payload);
  // Once at start: how "is the smart card service up?" is asked here, for whoever reads a "down".
  log.info('pcsc.service-mechanism', { mechanism: describeServiceMechanism(deps.pcsc.probe.mechanism) });
  const services = await openStationServices(deps, { tuning, log, emit, reportListenerError });
  const { note, outbox } = services;

  return {
    // A handler failing with anything but a StationError is a bug: logged with its channel.
    handlers: logUnexpectedFailures(createHandlers(deps, services, log), log),
    async retireCard(requestId, smartcardUuid) {
      const ids = z.strictObject({ requestId: guidSchema, smartcardUuid: guidSchema }).safeParse({ requestId, smartcardUuid });
      if (!ids.success) throw new StationError('BAD_REQUEST', 'The request and smart card must be GUIDs.', { requestId, smartcardUuid });
      await note({ action: 'retire.requested', result: 'info', requestId, smartcardUuid });
      // An explicit retire (e.g. a lost card) is not a replaced card: sent at once, never held.
      return outbox.enqueue({ kind: 'retire', requestId, smartcardUuid, waitFor: null, route: deps.settings.effective().retireRoute });
    },
    log,
    subscribe(listener) {
      return listeners.add(listener as (...args: Parameters<EventListener>) => void);
    },
    async close() {
      listeners.clear();
      await services.close();
    },
  };
}
