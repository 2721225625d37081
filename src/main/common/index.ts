// The folder's public API: other folders import from here only.
export { backoffDelay } from './backoff';
export { decodeBase64 } from './base64';
export type { BackoffPolicy } from './backoff';
export { createListenerSet, reportListenerErrorToStderr } from './listener-set';
export type { ListenerErrorReporter, ListenerSet } from './listener-set';
export { systemTool } from './system-tools';
export { loadOnce } from '../../shared/load-once';
export { nodeHttp, nodeHttps } from './node-http';
export { newSecretToken, tokensEqual } from './secret-token';
export { reportFailure, reportFailureToStderr } from './report-failure';
export type { FailureReporter } from './report-failure';
