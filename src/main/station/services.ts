import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditEntryInput } from '../../shared/audit';
import type { ConnectionState, EventChannel, EventPayload } from '../../shared/contract';
import { StationError } from '../../shared/errors';
import type { ReadersSnapshot } from '../../shared/readers';
import type { Settings } from '../../shared/settings';
import { type AuditLog, createAuditLog } from '../audit';
import { type CmClientWithCall, createCmClient } from '../cm';
import { type Connectivity, createConnectivity } from '../connectivity';
import { type DirectoryService, openDirectory } from '../directory';
import { type AuditNote, type AuditNoteOptions, type Batch, createBatch, createEnrollmentWorkflow, type EnrollmentWorkflow } from '../enrollment';
import { ensurePrivateDir } from '../journal';
import { createListenerSet, type ListenerErrorReporter } from '../common';
import { describeError, type DiagnosticLog, learnCardId } from '../log';
import { auditToOsLog } from '../os-log';
import { logCmCalls, logConnectionChanges, logJournalRecovery, logOutboxTransitions, logServiceTransitions } from './station-events';
import { createOutbox, type Outbox, type OutboxCmPort, outboxPortFromCmClient } from '../outbox';
import { type CardModelMatcher, createAtrDescriber, createCardModelMatcher, createPivCardAccess, createReaderMonitor, type ReaderMonitor } from '../pcsc';
import { createIssuanceGate, createIssuancePorts, type IssuanceService, openIssuanceService } from '../issuance';
import { followEnrollment } from './issuance-wiring';
import { openRequestCache, type RequestCache } from '../requests';
import type { StationDeps, StationTuning } from './deps';

/** Every service of one station, composed and wired to its event stream. */
export interface StationServices {
  /** The effective settings now (policy over the operator's over defaults). */
  settings(): Settings;
  cm: CmClientWithCall | null;
  connectivity: Connectivity;
  audit: AuditLog;
  /** Appends an audit record in the station's name (who, and the empty fields filled in). */
  note(entry: AuditNote, options?: AuditNoteOptions): Promise<void>;
  outbox: Outbox;
  requests: RequestCache;
  directory: DirectoryService;
  cardModels: CardModelMatcher;
  /** The current reader monitor (rebuilt when the reader patterns change). */
  monitor(): ReaderMonitor;
  workflow: EnrollmentWorkflow;
  batch: Batch;
  /** Desk issuance after the bind (src/main/issuance). */
  issuance: IssuanceService;
  close(): Promise<void>;
}

export interface ServiceWiring {
  tuning: StationTuning;
  log: DiagnosticLog;
  /** The station's event stream: every service's changes go out here. */
  emit: <E extends EventChannel>(event: E, payload: EventPayload<E>) => void;
  reportListenerError: ListenerErrorReporter;
}

interface CmWiring {
  connectivity: Connectivity;
  cm: CmClientWithCall | null;
  isOnline: () => boolean;
}

/** CM: one client per configured URL, every call observed for online/offline. */
function openCm(deps: StationDeps, settings: Settings, { tuning, log, reportListenerError }: ServiceWiring): CmWiring {
  const baseUrl = settings.cmBaseUrl || null;
  const connectivity = createConnectivity({
    baseUrl,
    transport: deps.cmTransport,
    now: deps.now,
    probeIntervalMs: tuning.probeIntervalMs,
    probe: () => cm?.listProfileTemplates() ?? Promise.resolve(),
    onListenerError: reportListenerError,
  });
  // One client for the station's lifetime: the CM address is read at start (changing it in
  // settings takes effect on restart, which the settings screen says).
  const cm: CmClientWithCall | null = baseUrl
    ? createCmClient({
        baseUrl,
        transport: connectivity.transport,
        timeoutMs: settings.cmTimeoutMs,
        getRetries: tuning.getRetries,
        random: deps.random,
        onCall: logCmCalls(log),
        // One request CM lists in a shape the station cannot read is skipped, and said so here.
        onSkipped: (skipped) => log.warn('cm.list-element-skipped', skipped),
        ...(deps.userDisplayName ? { userDisplayName: deps.userDisplayName } : {}),
      })
    : null;
  return { connectivity, cm, isOnline: () => connectivity.state().mode === 'online' };
}

/** The audit log; a gap in its trail is reported (here, in the log, and on Diagnostics), never papered over. */
async function openAudit(deps: StationDeps, log: DiagnosticLog): Promise<AuditLog> {
  // The outbox journal is created after the audit log at a first start: if it is already there,
  // this folder held an audit log before, and a log missing with its anchor is a gap.
  const folderUsedBefore = existsSync(join(deps.dataDir, 'outbox', 'outbox.journal'));
  const audit = await createAuditLog({
    dir: join(deps.dataDir, 'audit'),
    now: deps.now,
    anchorPath: join(deps.dataDir, 'audit.head'),
    log,
    folderUsedBefore,
    ...(deps.osLog ? { onRecorded: auditToOsLog(deps.osLog) } : {}),
  });
  // The gap also goes to the OS log (health event audit.gap, through the station's log).
  const integrity = audit.integrity();
  integrity.problems.forEach((problem, index) => log.warn('audit.gap', { problem, gap: integrity.gaps?.[index] ?? null }));
  logJournalRecovery(log, 'audit', audit.recovery);
  return audit;
}

/** The outbox over CM (or refusing to send without a CM address), its recovery and transitions logged. */
async function openOutbox(
  deps: StationDeps,
  settings: Settings,
  cm: CmClientWithCall | null,
  audit: AuditLog,
  { tuning, log, reportListenerError }: ServiceWiring,
): Promise<Outbox> {
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
    onListenerError: reportListenerError,
  });
  logJournalRecovery(log, 'outbox', outbox.recovery);
  // The card ids the outbox holds are cut from every log line and bundle, free text included.
  for (const op of outbox.list()) if (op.kind === 'bind') learnCardId(op.cardId);
  outbox.subscribe(logOutboxTransitions(log, outbox.list()));
  return outbox;
}

interface Readers {
  /** One card table for the card panel and diagnostics (the system list is large: parse it once). */
  cardModels: CardModelMatcher;
  /** The workflow and the event stream listen here, so a rebuilt monitor needs no re-wiring. */
  cardListeners: ReturnType<typeof createListenerSet<[ReadersSnapshot]>>;
  monitor(): ReaderMonitor;
  /** A new monitor for new reader patterns; the old one is closed (a failure logged). */
  rebuild(s: Settings): void;
  close(): Promise<void>;
}

/** Readers: one monitor at a time, rebuilt when the reader patterns change. */
function openReaders(deps: StationDeps, settings: Settings, { log, reportListenerError }: ServiceWiring): Readers {
  const cardModels = createCardModelMatcher();
  const cardListeners = createListenerSet<[ReadersSnapshot]>('readers', reportListenerError);
  cardListeners.add(logServiceTransitions(log));
  // Every card id read is learned, so a CM message naming it is redacted in logs and bundles too.
  cardListeners.add((snapshot) => {
    for (const { card } of snapshot.readers) if (card?.identity?.status === 'read') learnCardId(card.identity.identifier.value);
  });
  let monitor: ReaderMonitor;
  let unsubscribeMonitor: () => void;
  function startMonitor(s: Settings): void {
    monitor = createReaderMonitor({
      binding: deps.pcsc.binding,
      probe: deps.pcsc.probe,
      now: deps.now,
      readerFilter: { include: s.readerInclude, exclude: s.readerExclude },
      onListenerError: reportListenerError,
    });
    unsubscribeMonitor = monitor.subscribe((snap) => cardListeners.emit(snap));
  }
  startMonitor(settings);
  return {
    cardModels,
    cardListeners,
    monitor: () => monitor,
    rebuild(s) {
      const old = monitor;
      unsubscribeMonitor();
      startMonitor(s);
      old.close().catch((err: unknown) => log.error('readers.monitor-close-failed', err));
    },
    async close() {
      unsubscribeMonitor();
      await monitor.close();
    },
  };
}

interface DeskIssuance {
  issuance: IssuanceService;
  gate: ReturnType<typeof createIssuanceGate>;
}

/** Desk issuance: PIV sessions over the monitor's PC/SC context, CM's execution routes. */
async function openDeskIssuance(
  deps: StationDeps,
  on: {
    cm: CmClientWithCall | null;
    readers: Readers;
    note: (entry: AuditNote, options?: AuditNoteOptions) => Promise<void>;
    isOnline: () => boolean;
    settings: () => Settings;
  },
  log: DiagnosticLog,
): Promise<DeskIssuance> {
  const connector = { connect: (reader: string) => on.readers.monitor().connect(reader) };
  const issuancePorts = on.cm ? createIssuancePorts(connector, on.cm) : null;
  const issuance = await openIssuanceService({
    dir: join(deps.dataDir, 'issuance'),
    ports: issuancePorts,
    now: deps.now,
    audit: on.note,
    log,
    ...(deps.tuning?.issuanceActivation ? { activation: deps.tuning.issuanceActivation } : {}),
  });
  logJournalRecovery(log, 'issuance', issuance.recovery);
  const gate = createIssuanceGate({
    policy: () => on.settings().issueAtDesk,
    card: issuancePorts?.card ?? createPivCardAccess(connector),
    cm: issuancePorts?.cm ?? null,
    isOnline: on.isOnline,
    audit: on.note,
  });
  return { issuance, gate };
}

/** Events out: every service's changes to the event stream, and what follows a connection change. */
function forwardEvents(deps: StationDeps, services: Omit<StationServices, 'close' | 'monitor'> & { readers: Readers }, { log, emit }: ServiceWiring): void {
  const { readers, workflow, issuance, outbox, batch, connectivity } = services;
  readers.cardListeners.add((snapshot) => emit('readers.changed', snapshot));
  workflow.subscribe((event) => {
    if (event.type === 'enrollment') emit('enrollment.changed', event.state);
    else emit('card.changed', { reader: event.reader, reading: event.reading });
  });
  // The station's current settings (kept below), not a fresh merge of them at every card event.
  workflow.subscribe(followEnrollment(issuance, log, deps.now, () => services.settings().issueAtDesk));
  issuance.subscribe((state) => emit('issuance.changed', state));
  outbox.subscribe(() => emit('outbox.changed', outbox.list()));
  batch.subscribe((state) => emit('batch.changed', state));
  const logConnection = logConnectionChanges(log);
  connectivity.subscribe((state: ConnectionState) => {
    logConnection(state);
    outbox.setOnline(state.mode === 'online');
    if (state.mode === 'online') issuance.cmOnline();
    emit('connection.changed', state);
  });
}

function readerPatternsChanged(before: Settings, after: Settings): boolean {
  return before.readerInclude.join('\n') !== after.readerInclude.join('\n') || before.readerExclude.join('\n') !== after.readerExclude.join('\n');
}

/**
 * Opens and wires the station's services: CM (one client, observed for online/offline), the durable
 * stores (audit log, outbox, request copy), the directory, the reader monitor, the enrollment
 * workflow and bulk mode; then forwards each one's changes to the event stream and starts the outbox.
 * Each capability is opened by its own function above; this one keeps their order and their wiring.
 */
export async function openStationServices(deps: StationDeps, wiring: ServiceWiring): Promise<StationServices> {
  const { log } = wiring;
  let settings = deps.settings.effective();
  const { connectivity, cm, isOnline } = openCm(deps, settings, wiring);

  ensurePrivateDir(deps.dataDir);
  const audit = await openAudit(deps, log);
  const outbox = await openOutbox(deps, settings, cm, audit, wiring);
  const requests = await openRequestCache({ dir: deps.dataDir, cm, now: deps.now, isOnline });
  // Names beside CM's user GUIDs: optional, from machine policy (read at start, like the CM address).
  const directory =
    deps.directory ??
    (await openDirectory(settings, { dataDir: deps.dataDir, now: deps.now, platform: process.platform, env: process.env, ...deps.directoryEnv }));
  const note = async (entry: AuditNote, options?: AuditNoteOptions): Promise<void> => {
    await audit.append({ ...EMPTY_AUDIT, ...entry, actor: deps.actor }, options);
  };

  const readers = openReaders(deps, settings, wiring);
  /** The station's current settings (kept up to date below): one getter every part reads. */
  const current = () => settings;
  const { issuance, gate } = await openDeskIssuance(deps, { cm, readers, note, isOnline, settings: current }, log);
  const workflow = createEnrollmentWorkflow({
    issuance: gate,
    cards: {
      snapshot: () => readers.monitor().snapshot(),
      subscribe: (listener) => readers.cardListeners.add(listener),
      reread: (reader) => readers.monitor().reread(reader),
    },
    describeAtr: createAtrDescriber(readers.cardModels),
    cm,
    isOnline,
    requests,
    outbox,
    audit: note,
    log,
    policy: () => ({ requestTypeNumbers: settings.requestTypeNumbers, retireReplacedCard: settings.retireReplacedCard, retireRoute: settings.retireRoute }),
  });
  // Subscribed before the event forwarding below, so a batch choice is made in the same turn.
  const batch = createBatch(workflow, wiring.reportListenerError);

  const services = { cm, connectivity, audit, note, outbox, requests, directory, cardModels: readers.cardModels, workflow, batch, issuance, settings: current };
  forwardEvents(deps, { ...services, readers }, wiring);
  deps.settings.subscribe((view) => {
    const before = settings;
    settings = deps.settings.effective();
    wiring.emit('settings.changed', view);
    if (readerPatternsChanged(before, settings)) readers.rebuild(settings);
  });

  outbox.setOnline(isOnline());
  outbox.start();
  // Learn whether CM is there right away (and fill the request copy) instead of at first use.
  // CM may well be unreachable now: the station starts offline and says so; the log keeps why.
  if (cm) requests.refresh().catch((err: unknown) => log.warn('requests.refresh-failed', describeError(err)));

  return {
    ...services,
    monitor: () => readers.monitor(),
    async close() {
      batch.close();
      workflow.close();
      await issuance.close();
      connectivity.close();
      await readers.close();
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
  createRetireRequest: () => Promise.reject(notConfigured()),
  findOpenRetireRequests: () => Promise.reject(notConfigured()),
};

function notConfigured(): StationError {
  return new StationError('CM_OFFLINE', 'No CM server is configured; the operation waits in the outbox.');
}
