import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { CmTransport } from '../cm';
import { nodeHttpTransport } from '../cm';
import type { PcscBinding, ServiceProbe } from '../pcsc';
import { StationError } from '../../shared/errors';
import { startCmSimulator, type CmSimulator } from './cm-sim';
import { SAMPLE_CARDS, sampleCard } from './sample-cards';
import { createSimulatedPcsc, type SimulatedCard, type SimulatedPcsc } from './simulated-pcsc';

export const TRAINING_READERS = ['Training Reader 1', 'Training Reader 2'] as const;

export interface TrainingSession {
  baseUrl: string;
  pcsc: { binding: PcscBinding; probe: ServiceProbe };
  readers: SimulatedPcsc;
  simulator: CmSimulator;
  transport: CmTransport;
  userDisplayName: (userUuid: string) => string | null;
  insertSample(reader: string, sampleId: string): void;
  removeCard(reader: string): void;
  /** Back to the seeded directory: every sample card can be bound again. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Training mode: the CM simulator on loopback with its seeded directory, two simulated readers and
 * a set of sample cards. The transport refuses every URL but the simulator's, so nothing done in
 * training can reach a real CM whatever the settings say.
 */
/** How long after a bind the training CM shows the new card Active. */
export const TRAINING_ACTIVATION_MS = 3_000;

export async function startTraining(options: { dataDir: string; adminToken?: string }): Promise<TrainingSession> {
  await mkdir(options.dataDir, { recursive: true });
  const dataFile = join(options.dataDir, 'cm-simulator.json');
  // A new card becomes Active a few seconds after the bind, as if the CM client had written it, so a
  // held retire (retireReplacedCard: when-new-card-active) completes during practice too.
  const simOptions = {
    host: '127.0.0.1',
    port: 0,
    dataFile,
    activateAfterMs: TRAINING_ACTIVATION_MS,
    ...(options.adminToken === undefined ? {} : { adminToken: options.adminToken }),
  };
  const simulator = await startCmSimulator(simOptions).catch(async (err: unknown) => {
    // Training data is disposable: a file from an older simulator (e.g. enum names) starts over from the seed.
    if (!(err instanceof StationError) || err.code !== 'STORAGE_CORRUPT') throw err;
    await rm(dataFile, { force: true });
    return startCmSimulator(simOptions);
  });
  const readers = createSimulatedPcsc(TRAINING_READERS);
  const cards = new Map<string, SimulatedCard>();
  const origin = new URL(simulator.baseUrl).origin;

  const transport: CmTransport = (url, init) => {
    if (new URL(url).origin !== origin) {
      return Promise.reject(new StationError('CM_OFFLINE', 'Training mode talks only to its built-in CM simulator.'));
    }
    return nodeHttpTransport(url, init);
  };

  return {
    baseUrl: simulator.baseUrl,
    pcsc: { binding: readers.binding, probe: readers.probe },
    readers,
    simulator,
    transport,
    userDisplayName: (uuid) => simulator.admin.state().users.find((u) => u.Uuid.toLowerCase() === uuid)?.DisplayName ?? null,
    insertSample(reader, sampleId) {
      const spec = SAMPLE_CARDS.find((s) => s.id === sampleId);
      if (!spec) throw new StationError('BAD_REQUEST', 'There is no such sample card.', { sampleId });
      if (!readers.contents().has(reader)) throw new StationError('PCSC_READER_NOT_FOUND', 'There is no such training reader.', { reader });
      // One card per sample for the session: a pulled and re-inserted card keeps what was written
      // to it (a PIV card's keys, PINs and objects are its EEPROM), as a real card would.
      const card = cards.get(spec.id) ?? sampleCard(spec);
      cards.set(spec.id, card);
      readers.insert(reader, card);
    },
    removeCard(reader) {
      if (!readers.contents().has(reader)) throw new StationError('PCSC_READER_NOT_FOUND', 'There is no such training reader.', { reader });
      readers.remove(reader);
    },
    reset: async () => {
      // A training reset hands out cards fresh from the box again.
      cards.clear();
      await simulator.admin.reset();
    },
    close: () => simulator.close(),
  };
}
