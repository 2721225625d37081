import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { StationError } from '../../shared/errors';
import { assertExportFolderAllowed } from '../audit';
import { checkConfiguredCm } from '../cm';
import { searchRequestsWithPeople } from '../directory';
import type { Handlers } from './dispatch';
import type { DiagnosticLog } from '../log';
import { runDiagnostics } from '../pcsc';
import { createRendererErrorReporter } from '../log';
import type { StationDeps, TrainingControls } from './deps';
import { saveSupportBundleTo, type SupportBundleParts } from '../support';
import { call } from './dispatch';
import type { StationServices } from './services';
import { RATE_LIMITS, rateLimited } from './rate-limit';

/**
 * The station's answer to every contract channel (src/shared/contract.ts), over its services. The
 * dispatcher validates each request and response against the contract; these only do the work.
 */
export function createHandlers(deps: StationDeps, services: StationServices, log: DiagnosticLog): Handlers {
  const reportRendererError = createRendererErrorReporter(log, deps.now);
  // Renderer-driven work that writes files or spawns processes: one at a time, then a pause.
  const nowMs = () => Date.now();
  const oneExport = rateLimited('An audit export', RATE_LIMITS.export, nowMs);
  const oneBundle = rateLimited('A support bundle', RATE_LIMITS.bundle, nowMs);
  const oneDiagnostics = rateLimited('Diagnostics', RATE_LIMITS.diagnostics, nowMs);
  const { audit, batch, cardModels, connectivity, directory, issuance, outbox, requests, workflow } = services;
  /**
   * A new file in the export folder (settings', or the default): the renderer never names a path,
   * and a network folder is used only when machine policy set it.
   */
  async function exportFile(name: string, extension: string): Promise<string> {
    const dir = services.settings().auditExportFolder || deps.defaultExportDir;
    assertExportFolderAllowed(dir, deps.settings.view());
    await mkdir(dir, { recursive: true });
    return join(dir, `${name}-${deps.now().toISOString().replace(/[:.]/g, '-')}.${extension}`);
  }
  const trainingOnly = (): TrainingControls => {
    if (!deps.trainingControls) throw new StationError('TRAINING_FORBIDDEN', 'This is only available in training mode.');
    return deps.trainingControls;
  };

  const runDiagnosticsNow = async () => {
    const settings = services.settings();
    return {
      ...(await runDiagnostics({
        binding: deps.pcsc.binding,
        probe: deps.pcsc.probe,
        matcher: cardModels,
        readerFilter: { include: settings.readerInclude, exclude: settings.readerExclude },
      })),
      auditTrail: audit.integrity(),
      ...(deps.osLog ? { osLog: deps.osLog.status() } : {}),
    };
  };

  const handlers: Handlers = {
    'station.snapshot': async () => ({
      version: deps.version,
      training: deps.training,
      readers: services.monitor().snapshot(),
      cards: workflow.cards(),
      enrollment: workflow.states(),
      batch: batch.state(),
      connection: connectivity.state(),
      settings: deps.settings.view(),
      directory: { kind: directory.kind },
      issuance: issuance.states(),
    }),
    'readers.list': async () => services.monitor().snapshot(),
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
    'audit.exportCsv': async (query) => oneExport(async () => audit.exportCsv(query, await exportFile('enrollment-audit', 'csv'))),
    'settings.get': async () => deps.settings.view(),
    // Straight through the transport (not the connectivity monitor): a check must not flip online/offline.
    'cm.check': async () => checkConfiguredCm(services.settings(), deps.cmTransport),
    'diagnostics.run': async () => oneDiagnostics(runDiagnosticsNow),
    'diagnostics.reportError': async (report) => reportRendererError(report),
    'diagnostics.supportBundle': async () =>
      oneBundle(async () => {
        // The bundle's own diagnostics part asks the services directly: the rate limit is for callers.
        const source = { parts: partsFromHandlers(bundleHandlers), logDir: deps.logDir ?? null, version: deps.version, training: deps.training, now: deps.now };
        return saveSupportBundleTo(source, await exportFile('enrollment-support', 'zip'));
      }),
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
    // Desk issuance (src/main/issuance): the PIN crosses once, to the engine, and is never answered back.
    'issuance.get': async ({ reader }) => issuance.get(reader),
    'issuance.start': async ({ reader }) => issuance.start(reader),
    'issuance.skip': async ({ reader }) => issuance.skip(reader),
    'issuance.submitPin': async ({ reader, pin, confirm }) => issuance.submitPin(reader, pin, confirm),
    'issuance.pinSeen': async ({ reader }) => issuance.pinSeen(reader),
    'issuance.cancel': async ({ reader }) => issuance.cancel(reader),
    'settings.update': async (patch) => {
      const view = deps.settings.update(patch);
      await services.note({ action: 'settings.changed', result: 'info', message: `Changed: ${Object.keys(patch).join(', ')}` });
      return view;
    },
  };
  // The support bundle collects diagnostics itself; that must not count against (or be refused by) the operator's limit.
  const bundleHandlers: Handlers = { ...handlers, 'diagnostics.run': runDiagnosticsNow };
  return handlers;
}

/** A support bundle's parts as a running station answers them: the same answers its screens get. */
function partsFromHandlers(handlers: Handlers): SupportBundleParts {
  return {
    diagnostics: () => call(handlers, 'diagnostics.run', {}),
    cmCheck: () => call(handlers, 'cm.check', {}),
    settings: () => call(handlers, 'settings.get', {}),
    outbox: () => call(handlers, 'outbox.list', {}),
  };
}
