// The folder's public API: other folders import from here only.
export { partsFromHandlers, saveSupportBundleTo } from './collect';
