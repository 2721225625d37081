import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { AuditEntryInput } from '../shared/audit';
import { guidSchema } from '../shared/cm';
import type { ConnectionState, EventChannel, EventPayload } from '../shared/contract';
import { StationError } from '../shared/errors';
import type { ReadersSnapshot } from '../shared/readers';
import type { OutboxOperation } from '../shared/outbox';
import type { Settings } from '../shared/settings';
import { createAuditLog } from './audit';
import { type CmClient, type CmTransport, createCmClient, runCmCheck } from './cm';
import type { SettingsService } from './config';
import { createConnectivity } from './connectivity';
import { type DirectoryService, openDirectory, searchRequestsWithPeople } from './directory';
import { type AuditNote, createBatch, createEnrollmentWorkflow } from './enrollment';
import type { EventListener, Handlers } from './dispatch';
import { createListenerSet } from './listener-set';
import { createOutbox, type OutboxCmPort, outboxPortFromCmClient } from './outbox';
import {
  createAtrDescriber,
  createCardModelMatcher,
  createReaderMonitor,
  type PcscBinding,
  type ReaderMonitor,
  runDiagnostics,
  type ServiceProbe,
} from './pcsc';
import { createStderrLog, describeError, type DiagnosticLog } from './log';
import { logUnexpectedFailures } from './log/handler-failures';
import { createRendererErrorReporter } from './log/renderer-errors';
import { logCmCalls, logConnectionChanges, logJournalRecovery, logOutboxTransitions, logServiceTransitions } from './log/station-events';
import { partsFromHandlers, saveSupportBundle } from './support/collect';
import { openRequestCache } from './requests';
import { assertExportFolderAllowed } from './audit/export-folder';
import { ensurePrivateDir } from './journal';

export interface StationDeps {
  version: string;
  /** Training: labelled on every screen; the caller supplies the simulator and simulated reader. */
  training: boolean;
  now: () => Date;
  random: () => number;
  /** The OS user, recorded in every audit entry. */
  actor: string;
  /** Outbox, audit log and request cache live here (training uses a folder of its own). */
  dataDir: string;
  /** Where CSV exports go when settings name no folder. */
  defaultExportDir: string;
  pcsc: { binding: PcscBinding; probe: ServiceProbe };
  cmTransport: CmTransport;
  settings: SettingsService;
  /** CM has no user names; training's directory supplies them. */
  userDisplayName?: (userUuid: string) => string | null;
  /** Where the directory adapter runs (platform, env); defaults to this process's. */
  directoryEnv?: { platform: NodeJS.Platform; env: Readonly<Record<string, string | undefined>>; log?: (m: string) => void };
  /** Training: the simulator's people (the real directory is never asked in training). */
  directory?: DirectoryService;
  /** Present in training mode: the simulated readers' controls. */
  trainingControls?: TrainingControls;
  /** Test hooks: shorter timers. */
  tuning?: Partial<StationTuning>;
  /** The diagnostic log; without one, warnings and errors go to stderr. */
  log?: DiagnosticLog;
  /** The diagnostic log's folder, for support bundles (none: bundles carry no logs). */
  logDir?: string;
}

export interface TrainingControls {
  readers: readonly string[];
  samples: readonly { id: string; label: string; atr: string }[];
  insertSample(reader: string, sampleId: string): void;
  removeCard(reader: string): void;
  reset(): Promise<void>;
}

export interface StationTuning {
  probeIntervalMs: number;
  backoff: { baseMs: number; maxMs: number; jitter: number };
  outboxConcurrency: number;
  getRetries: number;
}

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
  close(): Promise<void>;
}

/**
 * The composition root, shared by the Electron shell, the host and the CLI. Pure Node: everything
 * that touches the outside world (PC/SC binding, CM transport, clock, paths) arrives in `deps`.
 */
export async function createStation(deps: StationDeps): Promise<Station> {
  const tuning = { ...DEFAULT_TUNING, ...deps.tuning };
  const log = deps.log ?? createStderrLog();
  const reportListenerError = (err: unknown, source: string) => log.error('listener.failed', err, { source });
  const listeners = createListenerSet<Parameters<EventListener>>('station event', reportListenerError);
  const emit = <E extends EventChannel>(event: E, payload: EventPayload<E>): void => listeners.emit(event, payload);
  let settings = deps.settings.effective();

  // --- CM: one client per configured URL, every call observed for online/offline ---------------
  const baseUrl = settings.cmBaseUrl || null;
  const connectivity = createConnectivity({
    baseUrl,
    transport: deps.cmTransport,
    now: deps.now,
    probeIntervalMs: tuning.probeIntervalMs,
    probe: () => cm?.listProfileTemplates() ?? Promise.resolve(),
  });
  // One client for the station's lifetime: the CM address is read at start (changing it in
  // settings takes effect on restart, which the settings screen says).
  const cm: CmClient | null = baseUrl
    ? createCmClient({
        baseUrl,
        transport: connectivity.transport,
        timeoutMs: settings.cmTimeoutMs,
        getRetries: tuning.getRetries,
        random: deps.random,
        onCall: logCmCalls(log),
        ...(deps.userDisplayName ? { userDisplayName: deps.userDisplayName } : {}),
      })
    : null;
  const isOnline = () => connectivity.state().mode === 'online';

  // --- durable stores ----------------------------------------------------------------------------
  ensurePrivateDir(deps.dataDir);
  const audit = await createAuditLog({ dir: join(deps.dataDir, 'audit'), now: deps.now, anchorPath: join(deps.dataDir, 'audit.head'), log });
  // A gap in the audit trail is reported (here, in the log, and on Diagnostics), never papered over.
  for (const problem of audit.integrity().problems) log.warn('audit.gap', { problem });
  logJournalRecovery(log, 'audit', audit.recovery);
  const outbox = await createOutbox({
    dir: join(deps.dataDir, 'outbox'),
    now: deps.now,
    random: deps.random,
    cm: cm ? outboxPortFromCmClient(cm) : UNCONFIGURED_PORT,
    concurrency: tuning.outboxConcurrency,
    backoff: tuning.backoff,
    audit,
    actor: deps.actor,
    retentionDays: settings.outboxRetentionDays,
    log,
  });
  logJournalRecovery(log, 'outbox', outbox.recovery);
  outbox.subscribe(logOutboxTransitions(log, outbox.list()));
  const requests = await openRequestCache({ dir: deps.dataDir, cm, now: deps.now, isOnline });
  // Names beside CM's user GUIDs: optional, from machine policy (read at start, like the CM address).
  const directory =
    deps.directory ??
    (await openDirectory(settings, { dataDir: deps.dataDir, now: deps.now, platform: process.platform, env: process.env, ...deps.directoryEnv }));
  const note = async (entry: AuditNote): Promise<void> => {
    await audit.append({ ...EMPTY_AUDIT, ...entry, actor: deps.actor });
  };

  // --- readers: rebuilt when the reader patterns change -----------------------------------------
  // One card table for the card panel and diagnostics (the system list is large: parse it once).
  const cardModels = createCardModelMatcher();
  // The workflow and the event stream listen here, so a rebuilt monitor needs no re-wiring.
  const cardListeners = createListenerSet<[ReadersSnapshot]>('readers', reportListenerError);
  cardListeners.add(logServiceTransitions(log));
  let monitor: ReaderMonitor;
  let unsubscribeMonitor: () => void;
  function startMonitor(s: Settings): void {
    monitor = createReaderMonitor({
      binding: deps.pcsc.binding,
      probe: deps.pcsc.probe,
      now: deps.now,
      readerFilter: { include: s.readerInclude, exclude: s.readerExclude },
    });
    unsubscribeMonitor = monitor.subscribe((snap) => cardListeners.emit(snap));
  }
  startMonitor(settings);

  const workflow = createEnrollmentWorkflow({
    cards: {
      snapshot: () => monitor.snapshot(),
      subscribe: (listener) => cardListeners.add(listener),
      reread: (reader) => monitor.reread(reader),
    },
    describeAtr: createAtrDescriber(cardModels),
    cm,
    isOnline,
    requests,
    outbox,
    audit: note,
    log,
    policy: () => ({ requestTypeNumbers: settings.requestTypeNumbers, retireReplacedCard: settings.retireReplacedCard }),
  });

  // Subscribed before the event forwarding below, so a batch choice is made in the same turn.
  const batch = createBatch(workflow);

  // --- events out ----------------------------------------------------------------------------------
  cardListeners.add((snapshot) => emit('readers.changed', snapshot));
  workflow.subscribe((event) => {
    if (event.type === 'enrollment') emit('enrollment.changed', event.state);
    else emit('card.changed', { reader: event.reader, reading: event.reading });
  });
  outbox.subscribe(() => emit('outbox.changed', outbox.list()));
  batch.subscribe((state) => emit('batch.changed', state));
  const logConnection = logConnectionChanges(log);
  connectivity.subscribe((state: ConnectionState) => {
    logConnection(state);
    outbox.setOnline(state.mode === 'online');
    emit('connection.changed', state);
  });
  deps.settings.subscribe((view) => {
    const before = settings;
    settings = deps.settings.effective();
    emit('settings.changed', view);
    if (before.readerInclude.join('\n') !== settings.readerInclude.join('\n') || before.readerExclude.join('\n') !== settings.readerExclude.join('\n')) {
      const old = monitor;
      unsubscribeMonitor();
      startMonitor(settings);
      old.close().catch((err: unknown) => log.error('pcsc.monitor-close-failed', err));
    }
  });

  outbox.setOnline(isOnline());
  outbox.start();
  // Learn whether CM is there right away (and fill the request copy) instead of at first use.
  if (cm) requests.refresh().catch((err: unknown) => log.warn('requests.refresh-failed', describeError(err)));

  const exportDir = () => settings.auditExportFolder || deps.defaultExportDir;
  const trainingOnly = (): TrainingControls => {
    if (!deps.trainingControls) throw new StationError('TRAINING_FORBIDDEN', 'This is only available in training mode.');
    return deps.trainingControls;
  };

  const reportRendererError = createRendererErrorReporter(log, deps.now);
  const handlers: Handlers = {
    'station.snapshot': async () => ({
      version: deps.version,
      training: deps.training,
      readers: monitor.snapshot(),
      cards: workflow.cards(),
      enrollment: workflow.states(),
      batch: batch.state(),
      connection: connectivity.state(),
      settings: deps.settings.view(),
      directory: { kind: directory.kind },
    }),
    'readers.list': async () => monitor.snapshot(),
    'card.read': async ({ reader }) => workflow.readCard(reader),
    'requests.search': async ({ query, limit }) =>
      searchRequestsWithPeople({ directory, allRequests: () => requests.search('', Number.POSITIVE_INFINITY) }, query, limit),
    'directory.resolve': async ({ userUuids }) => directory.resolve(userUuids),
    'requests.get': async ({ requestId }) => requests.get(requestId),
    'enrollment.choose': async ({ reader, requestId, replaceSmartcardUuid, acceptUnconfirmedType }) =>
      workflow.choose(reader, requestId, replaceSmartcardUuid, acceptUnconfirmedType),
    'enrollment.bind': async ({ reader }) => workflow.confirm(reader),
    'enrollment.reset': async ({ reader }) => workflow.reset(reader),
    'batch.set': async ({ requestIds }) => batch.set(requestIds),
    'batch.clear': async () => batch.clear(),
    'outbox.list': async () => outbox.list(),
    'outbox.retry': async ({ id }) => outbox.retry(id),
    'outbox.replay': async () => {
      await outbox.replayNow();
      return outbox.list();
    },
    'outbox.discard': async ({ id, reason }) => outbox.discard(id, reason),
    'outbox.releaseHold': async ({ id }) => outbox.releaseHold(id),
    'audit.query': async (query) => audit.query(query),
    'audit.exportCsv': async (query) => {
      const stamp = deps.now().toISOString().replace(/[:.]/g, '-');
      const dir = exportDir();
      assertExportFolderAllowed(dir, deps.settings.view());
      await mkdir(dir, { recursive: true });
      return audit.exportCsv(query, join(dir, `enrollment-audit-${stamp}.csv`));
    },
    'settings.get': async () => deps.settings.view(),
    'cm.check': async () => {
      if (baseUrl === null) throw new StationError('SETTINGS_INVALID', 'No CM address is configured: IT sets cmBaseUrl in machine policy.', { field: 'cmBaseUrl' });
      // Straight through the transport (not the connectivity monitor): a check must not flip online/offline.
      return runCmCheck({ baseUrl, transport: deps.cmTransport, timeoutMs: settings.cmTimeoutMs, requestTypeNumbers: settings.requestTypeNumbers });
    },
    'diagnostics.run': async () => ({
      ...(await runDiagnostics({
        binding: deps.pcsc.binding,
        probe: deps.pcsc.probe,
        matcher: cardModels,
        readerFilter: { include: settings.readerInclude, exclude: settings.readerExclude },
      })),
      auditTrail: audit.integrity(),
    }),
    'diagnostics.reportError': async (report) => reportRendererError(report),
    'diagnostics.supportBundle': async () => {
      const dir = exportDir();
      assertExportFolderAllowed(dir, deps.settings.view());
      await mkdir(dir, { recursive: true });
      const source = { parts: partsFromHandlers(handlers), logDir: deps.logDir ?? null, version: deps.version, training: deps.training, now: deps.now };
      return saveSupportBundle(source, dir);
    },
    'training.info': async () => {
      const t = trainingOnly();
      return { readers: [...t.readers], samples: t.samples.map(({ id, label, atr }) => ({ id, label, atr })) };
    },
    'training.insertCard': async ({ reader, sampleId }) => {
      trainingOnly().insertSample(reader, sampleId);
      return {};
    },
    'training.removeCard': async ({ reader }) => {
      trainingOnly().removeCard(reader);
      return {};
    },
    'training.reset': async () => {
      await trainingOnly().reset();
      return {};
    },
    'settings.update': async (patch) => {
      const view = deps.settings.update(patch);
      await note({ action: 'settings.changed', result: 'info', message: `Changed: ${Object.keys(patch).join(', ')}` });
      return view;
    },
  };

  return {
    handlers: logUnexpectedFailures(handlers, log),
    async retireCard(requestId, smartcardUuid) {
      const ids = z.strictObject({ requestId: guidSchema, smartcardUuid: guidSchema }).safeParse({ requestId, smartcardUuid });
      if (!ids.success) throw new StationError('BAD_REQUEST', 'The request and smart card must be GUIDs.', { requestId, smartcardUuid });
      await note({ action: 'retire.requested', result: 'info', requestId, smartcardUuid });
      // An explicit retire (e.g. a lost card) is not a replaced card: sent at once, never held.
      return outbox.enqueue({ kind: 'retire', requestId, smartcardUuid, waitFor: null });
    },
    subscribe(listener) {
      return listeners.add(listener as (...args: Parameters<EventListener>) => void);
    },
    async close() {
      listeners.clear();
      batch.close();
      workflow.close();
      connectivity.close();
      unsubscribeMonitor();
      await monitor.close();
      await outbox.close();
      await audit.close();
      await directory.close();
    },
  };
}

const EMPTY_AUDIT: Omit<AuditEntryInput, 'actor' | 'action' | 'result'> = {
  reader: null,
  cardId: null,
  atr: null,
  requestId: null,
  smartcardUuid: null,
  code: null,
  correlationId: null,
  message: null,
};

/** Without a CM address the outbox keeps everything, refusing to send (as if CM were offline). */
const UNCONFIGURED_PORT: OutboxCmPort = {
  bind: () => Promise.reject(notConfigured()),
  retire: () => Promise.reject(notConfigured()),
  findSmartcardsByCardId: () => Promise.reject(notConfigured()),
  getSmartcard: () => Promise.reject(notConfigured()),
  getRequest: () => Promise.reject(notConfigured()),
};

function notConfigured(): StationError {
  return new StationError('CM_OFFLINE', 'No CM server is configured; the operation waits in the outbox.');
}
