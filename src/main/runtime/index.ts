// The folder's public API: other folders import from here only.
export { defaultDataDir } from './app-paths';
export { withCmUrl } from './runtime';
export type { StationRuntime } from './runtime';
export { startStationProcess } from './station-process';
