// What goes into a support bundle: the Diagnostics button asks the running station's handlers (the
// same answers the screens get); the CLI asks the same questions without starting a station. A part that cannot be
// had (CM not configured or unreachable, the smart card service down) is written as the reason it
// could not be had: the bundle is for when things are broken, so it never fails because one is.
import { release } from 'node:os';
import { toErrorPayload } from '../../shared/errors';
import type { OutboxOperation } from '../../shared/outbox';
import { learnCardId } from '../log';
import type { BundleSection } from './support-bundle';

/** Each part of a bundle, asked for when the bundle is made; a part that throws is written as its reason. */
export interface SupportBundleParts {
  diagnostics(): Promise<unknown>;
  cmCheck(): Promise<unknown>;
  /** The settings view: values with their sources (policy channel, source, problems); no secret is a setting. */
  settings(): Promise<unknown>;
  outbox(): Promise<readonly OutboxOperation[]>;
}

export interface SupportBundleSource {
  parts: SupportBundleParts;
  /** The diagnostic log's folder; null when this station writes none (tests, early failures). */
  logDir: string | null;
  version: string;
  training: boolean;
  now: () => Date;
}

/**
 * An outbox operation without its payload: what support needs to follow it (state, attempts,
 * timestamps, error) and nothing that names a card or a reader.
 */
export function outboxSummary(op: OutboxOperation) {
  return {
    id: op.id,
    kind: op.kind,
    state: op.state,
    attempts: op.attempts,
    createdAt: op.createdAt,
    updatedAt: op.updatedAt,
    nextAttemptAt: op.nextAttemptAt,
    outcomeUnknown: op.outcomeUnknown,
    refusals: op.refusals,
    waitFor: op.kind === 'retire' ? op.waitFor : null,
    // CM's own words too (what support needs most), redacted by value like every string in a bundle.
    error:
      op.lastError === null
        ? null
        : {
            code: op.lastError.code,
            message: op.lastError.message,
            correlationId: op.lastError.correlationId,
            serverMessage: op.lastError.serverMessage ?? null,
          },
  };
}

/**
 * Reader names under `reader`: the bundle's redaction drops every `name` field (people's names),
 * and a reader's name is what support needs most from diagnostics.
 */
function withReaderNames(report: unknown): unknown {
  if (typeof report !== 'object' || report === null || !Array.isArray((report as { readers?: unknown }).readers)) return report;
  const readers = (report as { readers: unknown[] }).readers.map((entry) => {
    if (typeof entry !== 'object' || entry === null) return entry;
    const { name, ...rest } = entry as { name?: unknown };
    return { reader: name, ...rest };
  });
  return { ...report, readers };
}

/** The zip writer (fflate) is loaded when a bundle is made, not at start-up (bench/startup.ts). */
const bundleWriter = () => import('./support-bundle');

/** The outbox names the cards it holds: those ids are cut from every part of the bundle, free text included. */
function learnThenSummarise(op: OutboxOperation) {
  if (op.kind === 'bind') learnCardId(op.cardId);
  return outboxSummary(op);
}

async function attempt(part: () => Promise<unknown>): Promise<unknown> {
  try {
    return { ok: true, value: await part() };
  } catch (err) {
    // The reason is the content: e.g. no CM address, CM unreachable, the service down.
    return { ok: false, error: toErrorPayload(err) };
  }
}

export async function collectSupportSections(source: SupportBundleSource): Promise<BundleSection[]> {
  const { parts } = source;
  const versions = {
    app: source.version,
    node: process.versions.node,
    electron: process.versions.electron ?? null,
    platform: process.platform,
    release: release(),
    arch: process.arch,
    training: source.training,
  };
  return [
    { path: 'versions.json', json: versions },
    { path: 'diagnostics.json', json: await attempt(async () => withReaderNames(await parts.diagnostics())) },
    { path: 'cm-check.json', json: await attempt(parts.cmCheck) },
    { path: 'settings.json', json: await attempt(parts.settings) },
    { path: 'outbox.json', json: await attempt(async () => (await parts.outbox()).map(learnThenSummarise)) },
    ...(source.logDir === null ? [] : (await bundleWriter()).logSections(source.logDir)),
  ];
}

/** Collects, zips and writes the bundle to `file`; returns where and what. */
export async function saveSupportBundleTo(source: SupportBundleSource, file: string): Promise<{ path: string; files: string[] }> {
  const sections = await collectSupportSections(source);
  const { buildSupportBundle, writeBundleFile } = await bundleWriter();
  writeBundleFile(file, buildSupportBundle(sections, { now: source.now(), version: source.version }));
  return { path: file, files: [...sections.map((s) => s.path), 'manifest.json'] };
}
