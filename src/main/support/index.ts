// The folder's public API: other folders import from here only.
export { saveSupportBundleTo } from './collect';
export type { SupportBundleParts } from './collect';
