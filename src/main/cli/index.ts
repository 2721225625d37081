// The folder's public API: other folders import from here only.
export type { CliEnvironment } from './cli-environment';
export type { NodeRuntimeFlags } from './node-runtime';
export { runStationCli } from './station-cli';
