// The station's diagnostic log: JSON lines in the data folder for support (a packaged Windows app has
// no console). Start/stop, versions, settings source, PC/SC service transitions, CM call outcomes,
// outbox transitions, journal repairs and every error that is caught and handled all go here.
//
// One JSON object a line, as pino wrote it before (`{"level":"info","time":"<ISO>","pid":…,"event":…}`),
// through a small writer with size-based rotation (rolling-file.ts), on the main thread (no worker-thread
// transport, which an esbuild-bundled Electron main cannot resolve). The station used pino for this, and
// pino-roll for the rotation; both cost start-up for nothing the station used (see rolling-file.ts).
// electron-log was the other candidate: it would tie the log to Electron, while the host, the CLI and
// the tests need it too.
import { mkdirSync } from 'node:fs';
import { type LogFields, redactFields } from './redact';
import { openRollingFile, type RollingFile } from './rolling-file';

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

type Level = 'info' | 'warn' | 'error';
/** An entry as every log keeps it: the event, its fields redacted, and for an error what was thrown. */
type Entry = Record<string, unknown>;

/** The one place entries are made (and redacted, once): each kind of log says only where they go. */
function logTo(write: (level: Level, entry: Entry) => void, close: () => Promise<void>): DiagnosticLog {
  return {
    info: (event, fields = {}) => write('info', { event, ...redactFields(fields) }),
    warn: (event, fields = {}) => write('warn', { event, ...redactFields(fields) }),
    error: (event, error, fields = {}) => write('error', { event, ...redactFields(fields), ...describeError(error) }),
    close,
  };
}

/** One line as pino wrote it: level name, ISO time, pid, then the entry's fields. */
function jsonLine(level: Level, entry: Entry): string {
  return `${JSON.stringify({ level, time: new Date().toISOString(), pid: process.pid, ...entry })}\n`;
}

/** Warnings and errors as one JSON line on stderr; routine entries are not printed. */
function printToStderr(level: Level, entry: Entry): void {
  if (level !== 'info') console.error(JSON.stringify({ level, ...entry }));
}

const nothingToClose = async (): Promise<void> => undefined;

function toFile(file: RollingFile): DiagnosticLog {
  let closed: Promise<void> | null = null;
  // After close (a late callback during shutdown), entries go to stderr: a closed file must not throw.
  return logTo(
    (level, entry) => (closed === null ? file.write(jsonLine(level, entry)) : printToStderr(level, entry)),
    () => (closed ??= file.close()),
  );
}

/** Opens (or continues) the rotating log in `dir`: station.1.log, station.2.log, … */
export async function createDiagnosticLog(options: DiagnosticLogOptions): Promise<DiagnosticLog> {
  mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  const file = await openRollingFile({
    dir: options.dir,
    basename: LOG_FILE_BASENAME,
    maxFileBytes: options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
    keepFiles: options.keepFiles ?? DEFAULT_KEEP_FILES,
    mode: 0o600,
    // A failing disk (full, removed) must not end the process or fail the operation being logged.
    onError: (err: unknown) => console.error('station: the diagnostic log cannot be written:', err),
  });
  return toFile(file);
}

/** A log that keeps entries in memory: for tests, and for code paths that run before the file is open. */
export function createMemoryLog(): DiagnosticLog & { readonly entries: ReadonlyArray<Record<string, unknown>> } {
  const entries: Entry[] = [];
  return { entries, ...logTo((level, entry) => entries.push({ level, ...entry }), nothingToClose) };
}

/**
 * What runs before (or without) the file log: warnings and errors to stderr, which the host and the
 * CLI keep and Electron forwards to its own log; routine entries are not printed.
 */
export function createStderrLog(): DiagnosticLog {
  // Routine entries are dropped before they are redacted: no work for what is never printed.
  return { ...logTo(printToStderr, nothingToClose), info: () => undefined };
}
