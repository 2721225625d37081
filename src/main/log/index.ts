export { createDiagnosticLog, createMemoryLog, createStderrLog, describeError, LOG_FILE_BASENAME } from './diagnostic-log';
export type { DiagnosticLog, DiagnosticLogOptions } from './diagnostic-log';
export { CARD_ID_FIELDS, DROPPED_FIELDS, KEPT_HEX_FIELDS, learnCardId, learnSecret, redactCardId, redactFields, redactText } from './redact';
export type { LogFields, LogValue } from './redact';
export { logUnexpectedFailures } from './handler-failures';
export { createRendererErrorReporter } from './renderer-errors';
export { reportFailure } from './report-failure';
export { logStart, logStop } from './runtime-events';
export { logCmCalls, logConnectionChanges, logJournalRecovery, logOutboxTransitions, logServiceTransitions } from './station-events';
