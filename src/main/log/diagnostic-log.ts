// The station's diagnostic log: JSON lines in the data folder for support (a packaged Windows app has
// no console). Start/stop, versions, settings source, PC/SC service transitions, CM call outcomes,
// outbox transitions, journal repairs and every error that is caught and handled all go here.
//
// Library: pino, with a small size-based rotation of its own stream (rolling-file.ts). pino writes one JSON object a line through sonic-boom on the main
// thread (no worker-thread transport, which an esbuild-bundled Electron main cannot resolve); it is
// the most used structured logger for Node and small enough to bundle. The rotation was pino-roll,
// whose date support cost a fifth of the start-up (see rolling-file.ts). electron-log was the other
// candidate: it would tie the log to Electron, while the host, the CLI and the tests need it too.
import { mkdirSync } from 'node:fs';
import { pino, type Logger } from 'pino';
import { type LogFields, redactFields } from './redact';
import { openRollingFile } from './rolling-file';

export interface DiagnosticLog {
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  /** A caught error: its code and message are kept (never a stack with request bodies). */
  error(event: string, error: unknown, fields?: LogFields): void;
  /** Writes what is buffered and closes the file (idempotent). */
  close(): Promise<void>;
}

export interface DiagnosticLogOptions {
  /** The folder for the log files (created owner-only if missing). */
  readonly dir: string;
  /** Size at which a file is rotated. */
  readonly maxFileBytes?: number;
  /** Files kept in all, the current one included. */
  readonly keepFiles?: number;
}

export const LOG_FILE_BASENAME = 'station';
const DEFAULT_MAX_FILE_BYTES = 5 * 1024 * 1024;
const DEFAULT_KEEP_FILES = 4;

/** Code and message of anything thrown; our StationErrors carry a stable code. */
export function describeError(error: unknown): { errorCode: string; errorMessage: string } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { errorCode: typeof code === 'string' ? code : error.name, errorMessage: error.message.slice(0, 2_000) };
  }
  return { errorCode: 'UNKNOWN', errorMessage: String(error).slice(0, 2_000) };
}

function fromPino(logger: Logger, isOpen: () => boolean, close: () => Promise<void>): DiagnosticLog {
  // After close (a late callback during shutdown), entries go to stderr: a closed file must not throw.
  const late = createStderrLog();
  return {
    info: (event, fields = {}) => (isOpen() ? logger.info({ event, ...redactFields(fields) }) : late.info(event, fields)),
    warn: (event, fields = {}) => (isOpen() ? logger.warn({ event, ...redactFields(fields) }) : late.warn(event, fields)),
    error: (event, error, fields = {}) =>
      isOpen() ? logger.error({ event, ...redactFields(fields), ...describeError(error) }) : late.error(event, error, fields),
    close,
  };
}

/** Opens (or continues) the rotating log in `dir`: station.1.log, station.2.log, … */
export async function createDiagnosticLog(options: DiagnosticLogOptions): Promise<DiagnosticLog> {
  mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  const stream = await openRollingFile({
    dir: options.dir,
    basename: LOG_FILE_BASENAME,
    maxFileBytes: options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
    keepFiles: options.keepFiles ?? DEFAULT_KEEP_FILES,
    mode: 0o600,
  });
  const logger = pino(
    {
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Level names, not numbers: support reads these files with a text editor.
      formatters: { level: (label) => ({ level: label }) },
    },
    stream,
  );
  // A failing disk (full, removed) must not become an unhandled 'error' event that ends the process.
  stream.on('error', (err: unknown) => console.error('station: the diagnostic log cannot be written:', err));
  let closed: Promise<void> | null = null;
  return fromPino(
    logger,
    () => closed === null,
    () =>
      (closed ??= new Promise<void>((resolve) => {
        stream.flush(() => {
          stream.once('close', () => resolve());
          stream.end();
        });
      })),
  );
}

/** A log that keeps entries in memory: for tests, and for code paths that run before the file is open. */
export function createMemoryLog(): DiagnosticLog & { readonly entries: ReadonlyArray<Record<string, unknown>> } {
  const entries: Record<string, unknown>[] = [];
  const push = (level: string, event: string, fields: LogFields, extra = {}) => entries.push({ level, event, ...redactFields(fields), ...extra });
  return {
    entries,
    info: (event, fields = {}) => push('info', event, fields),
    warn: (event, fields = {}) => push('warn', event, fields),
    error: (event, error, fields = {}) => push('error', event, fields, describeError(error)),
    close: async () => undefined,
  };
}

/**
 * What runs before (or without) the file log: warnings and errors to stderr, which the host and the
 * CLI keep and Electron forwards to its own log; routine entries are not printed.
 */
export function createStderrLog(): DiagnosticLog {
  const print = (level: string, event: string, fields: LogFields, extra = {}) =>
    console.error(JSON.stringify({ level, event, ...redactFields(fields), ...extra }));
  return {
    info: () => undefined,
    warn: (event, fields = {}) => print('warn', event, fields),
    error: (event, error, fields = {}) => print('error', event, fields, describeError(error)),
    close: async () => undefined,
  };
}
