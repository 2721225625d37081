import type { CmTransport } from '../cm';
import type { SettingsService } from '../config';
import type { StartStationOptions } from '../runtime';
import type { StationTuning } from '../station';

/** What the read-only commands (cm-check, support-bundle) are given instead of a station. */
export interface ReadOnlyCm {
  /** The data folder's settings as the station would read them: nothing watched, nothing written. */
  settings: SettingsService;
  /** The CM address to check: machine policy's (or `--cm-url`, where development flags are taken). */
  cmBaseUrl: string;
  /** The same CM path as the station's own calls in this process (Negotiate under Node, net.fetch in the app). */
  transport: CmTransport;
}

/** What an entry point's arguments say about the station it starts; its platform fills in the rest. */
export interface StationFlags {
  /** Who this process is, for a process refused the data folder meanwhile (see runtime/start-station.ts). */
  program?: string | undefined;
  dataDir?: string | undefined;
  /** `--policy FILE`: a development policy in place of the OS channel (labelled so everywhere). */
  policy?: string | undefined;
  cmUrl?: string | undefined;
  mode?: 'real' | 'training' | undefined;
  tuning?: Partial<StationTuning> | undefined;
  /** The host's token, which in training also opens the simulator's admin routes. */
  trainingAdminToken?: string | undefined;
}

export interface CliFlags {
  dataDir: string;
  policy?: string | undefined;
  cmUrl?: string | undefined;
}

/**
 * Where the station CLI runs: plain Node (`npm run station`, node-platform.ts) or the installed app's
 * `--cli` (electron/cli-mode.ts). Every command takes its settings, CM path and version from here,
 * so the installed app never reaches the Node-only path (the `kerberos` addon it does not ship, a
 * development policy, `--cm-url`); test/unit/packaging/main-bundle.test.ts checks the bundle for it.
 */
export interface CliEnvironment {
  /** The platform's adapters for startStation, for the commands that need a station. */
  station(flags: StationFlags): StartStationOptions;
  /** Settings and CM transport for the commands that start no station (no outbox replay). */
  readOnlyCm(flags: CliFlags): Promise<ReadOnlyCm>;
  /**
   * The data folder when `--data-dir` is not given: the desktop app's own (`app.getPath('userData')`)
   * in the installed app, the same place computed by app-paths.ts under Node.
   */
  defaultDataDir(): string;
  /** This build's version (support bundle). */
  version(): string;
  /** Throws a BAD_REQUEST StationError for a flag this environment refuses, before anything runs. */
  checkFlags(flags: Omit<CliFlags, 'dataDir'>): void;
}
