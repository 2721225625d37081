// The folder's public API: other folders import from here only.
export { backoffDelay } from './backoff';
export type { BackoffPolicy } from './backoff';
export { createListenerSet } from './listener-set';
export type { ListenerErrorReporter } from './listener-set';
export { systemTool } from './system-tools';
export { newSecretToken, tokensEqual } from './secret-token';
