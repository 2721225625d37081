// The folder's public API: other folders import from here only.
//
// How the station starts, from each entry point, in three layers:
//
//   1. the entry point parses its own arguments and picks its platform's adapters
//        desktop app   electron/main.ts           electronStation(): Electron's net, store, folders
//        desktop CLI   electron/cli-mode.ts       `--cli`: cli/station-cli.ts with electronStation(flags)
//        host          cli/host.ts                nodeStation(flags): Node's Negotiate fetch, conf, folders
//        CLI           cli/station.ts             cli/station-cli.ts with nodeStation(flags)
//   2. startStation (start-station.ts): data folder, lock, diagnostic log, machine policy, settings
//      (sign-in scoped before any CM call), mode, training's simulator, then the station
//   3. createStation (station/): the composition of the services, their handlers and events
export { defaultDataDir } from './app-paths';
export { withCmUrl } from './settings-overrides';
export { startStation } from './start-station';
export type { PolicySource, StartStationOptions, StationRuntime } from './start-station';
