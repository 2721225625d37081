export { BINDABLE_STATUSES, matching, openRequestCache } from './request-cache';
export type { RequestCache, RequestCacheOptions } from './request-cache';
