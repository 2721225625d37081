// What the station is given (composition root inputs): everything that touches the outside world
// (PC/SC, CM transport, clock, paths, settings, log) arrives here, so tests can drive it.
import type { BackoffPolicy } from '../common';
import type { CmTransport } from '../cm';
import type { SettingsService } from '../config';
import type { DirectoryService } from '../directory';
import type { PcscBinding, ServiceProbe } from '../pcsc';
import type { DiagnosticLog } from '../log';
import type { OsLogSink } from '../os-log';

export interface StationDeps {
  version: string;
  /** Training: labelled on every screen; the caller supplies the simulator and simulated reader. */
  training: boolean;
  now: () => Date;
  random: () => number;
  /** The OS user, recorded in every audit entry. */
  actor: string;
  /** Outbox, audit log and request cache live here (training uses a folder of its own). */
  dataDir: string;
  /** Where CSV exports go when settings name no folder. */
  defaultExportDir: string;
  pcsc: { binding: PcscBinding; probe: ServiceProbe };
  cmTransport: CmTransport;
  settings: SettingsService;
  /** CM has no user names; training's directory supplies them. */
  userDisplayName?: (userUuid: string) => string | null;
  /** Where the directory adapter runs (platform, env); defaults to this process's. */
  directoryEnv?: { platform: NodeJS.Platform; env: Readonly<Record<string, string | undefined>>; log?: (m: string) => void };
  /** Training: the simulator's people (the real directory is never asked in training). */
  directory?: DirectoryService;
  /** Present in training mode: the simulated readers' controls. */
  trainingControls?: TrainingControls;
  /** Test hooks: shorter timers. */
  tuning?: Partial<StationTuning>;
  /** The diagnostic log; without one, warnings and errors go to stderr. */
  log?: DiagnosticLog;
  /** The diagnostic log's folder, for support bundles (none: bundles carry no logs). */
  logDir?: string;
  /** The OS log (fleet view) that gets a copy of every audit record; real mode only. */
  osLog?: OsLogSink;
}

export interface TrainingControls {
  readers: readonly string[];
  samples: readonly { id: string; label: string; atr: string }[];
  insertSample(reader: string, sampleId: string): void;
  removeCard(reader: string): void;
  reset(): Promise<void>;
}

export interface StationTuning {
  probeIntervalMs: number;
  backoff: BackoffPolicy;
  outboxConcurrency: number;
  getRetries: number;
  /** How often and how far apart an issued card is checked Active in CM. */
  issuanceActivation?: { polls: number; intervalMs: number };
}
