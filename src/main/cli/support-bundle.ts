import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { diagnosticsReportSchema, type DiagnosticsReport } from '../../shared/diagnostics';
import { errorPayloadSchema, StationError } from '../../shared/errors';
import { outboxOperationSchema, type OutboxOperation } from '../../shared/outbox';
import { checkConfiguredCm } from '../cm';
import { readJournalRecords } from '../journal';
import { saveSupportBundleTo } from '../support';
import type { ReadOnlyCm } from './cli-environment';
import { EXIT, type ExitCode } from './exit-codes';

/**
 * `npm run station -- support-bundle --out FILE.zip`: what support needs, in one zip (docs/deploying.md).
 * Read-only, and without starting a station (which would replay the outbox): settings are read as
 * the station would read them, the outbox journal is read without being opened for writing, the
 * smart card diagnostics run in `npm run diag`'s own process, and the CM check sends two GETs. A
 * part that cannot be had (no CM address, CM unreachable, no smart card service) is written as the
 * reason: the bundle is never refused because something is down.
 */
export interface SupportBundleFlags {
  dataDir: string;
  out: string;
}

export interface SupportBundleDeps {
  /** Settings and CM path of the environment the CLI runs in (cli-environment.ts). */
  cm: ReadOnlyCm;
  version: string;
  /** The smart card report; by default `npm run diag --json` in a child process. */
  diagnostics?: () => Promise<DiagnosticsReport>;
  now?: () => Date;
}

export async function supportBundleCommand(flags: SupportBundleFlags, deps: SupportBundleDeps): Promise<{ exit: ExitCode; result: unknown; message: string }> {
  const { settings: service, transport, cmBaseUrl } = deps.cm;
  const settings = service.effective();
  const result = await saveSupportBundleTo(
    {
      parts: {
        diagnostics: deps.diagnostics ?? diagnosticsInChild,
        cmCheck: () => checkConfiguredCm({ ...settings, cmBaseUrl }, transport),
        settings: async () => service.view(),
        outbox: async () => readOutbox(join(flags.dataDir, 'outbox', 'outbox.journal')),
      },
      logDir: join(flags.dataDir, 'logs'),
      version: deps.version,
      training: false,
      now: deps.now ?? (() => new Date()),
    },
    flags.out,
  );
  return { exit: EXIT.done, result, message: `Wrote the support bundle to ${result.path} (${result.files.join(', ')}).` };
}

/** The latest state of each operation, in queue order; no journal yet means an empty outbox. */
function readOutbox(path: string): OutboxOperation[] {
  if (!existsSync(path)) return [];
  const latest = new Map<string, OutboxOperation>();
  for (const op of readJournalRecords(path, outboxOperationSchema).records) latest.set(op.id, op);
  return [...latest.values()];
}

const DIAG_TIMEOUT_MS = 40_000;

/** `npm run diag -- --json` beside this file, run the way this process runs (tsx's loader included). */
function diagnosticsInChild(): Promise<DiagnosticsReport> {
  const script = fileURLToPath(new URL('./diag.ts', import.meta.url));
  // The installed app's `--cli`: its executable would start another app, and no diag script ships.
  if (process.versions.electron !== undefined || !existsSync(script)) {
    return Promise.reject(
      new StationError(
        'INTERNAL',
        "The smart card diagnostics run only from a development checkout here: use the Diagnostics screen's support bundle instead.",
      ),
    );
  }
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [...process.execArgv, script, '--json'], { timeout: DIAG_TIMEOUT_MS, maxBuffer: 4 * 1024 * 1024 }, (err, stdout) => {
      let json: unknown;
      try {
        json = JSON.parse(stdout);
      } catch {
        // No JSON at all: the child could not run (or timed out); its exit is the reason.
        reject(new StationError('INTERNAL', `The smart card diagnostics did not run: ${err?.message ?? 'no report'}`));
        return;
      }
      const report = diagnosticsReportSchema.safeParse(json);
      if (report.success) return resolve(report.data);
      const failed = errorPayloadSchema.safeParse((json as { error?: unknown }).error);
      reject(
        failed.success ? StationError.fromPayload(failed.data) : new StationError('INTERNAL', 'The smart card diagnostics returned an unreadable report.'),
      );
    });
  });
}
