export { createDiagnosticLog, createMemoryLog, createStderrLog, describeError, LOG_FILE_BASENAME } from './diagnostic-log';
export type { DiagnosticLog, DiagnosticLogOptions } from './diagnostic-log';
export { CARD_ID_FIELDS, DROPPED_FIELDS, KEPT_HEX_FIELDS, learnCardId, learnSecret, redactCardId, redactFields, redactText } from './redact';
export type { LogFields, LogValue } from './redact';
