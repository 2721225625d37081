export { createDiagnosticLog, createMemoryLog, createStderrLog, describeError, LOG_FILE_BASENAME } from './diagnostic-log';
export type { DiagnosticLog, DiagnosticLogOptions } from './diagnostic-log';
export { DROPPED_FIELDS, learnCardId, learnSecret, redactCardId, redactFields, redactNamedText, redactText } from './redact';
export type { LogFields, LogValue } from './redact';
export { listenerErrorsTo } from './listener-errors';
export { createRendererErrorReporter } from './renderer-errors';
export { createRefusedSenderLog } from './refused-senders';
export { logStart, logStop } from './runtime-events';
