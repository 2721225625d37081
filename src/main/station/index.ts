// The folder's public API: other folders import from here only.
export { call, dispatch } from './dispatch';
export type { Handlers } from './dispatch';
export { createStation } from './station';
export type { Station, StationDeps, StationTuning } from './station';
