// The folder's public API: other folders import from here only.
export type { CliEnvironment, StationFlags } from './cli-environment';
export { runStationCli } from './station-cli';
