export { createDiagnosticLog, createMemoryLog, describeError, LOG_FILE_BASENAME } from './diagnostic-log';
export type { DiagnosticLog, DiagnosticLogOptions } from './diagnostic-log';
export { redactCardId, redactFields } from './redact';
export type { LogFields, LogValue } from './redact';
