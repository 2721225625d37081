import type { SimState } from './state';
import { loadState, saveState } from './persistence';

/**
 * The simulator's directory and its persistence: every change is saved before CM answers (a crash
 * test may kill the simulator right after the answer), saves run in call order and each writes the
 * state it was handed, so the last one wins.
 */
export interface SimStore {
  current(): SimState;
  /** Makes `next` the directory and saves it; the promise settles with that save. */
  commit(next: SimState): Promise<void>;
  /** Settles when every save begun so far has ended (failed or not): for close(). */
  settled(): Promise<void>;
}

/** Loads the data file (or starts from the seed, saving it at once); null keeps the directory in memory. */
export async function openSimStore(dataFile: string | null, seed: () => SimState): Promise<SimStore> {
  let saves = 0;
  let saving: Promise<void> = Promise.resolve();

  function persist(snapshot: SimState): Promise<void> {
    if (dataFile === null) return Promise.resolve();
    const job = saving.then(() => saveState(dataFile, snapshot, `${process.pid}-${++saves}`));
    // The chain continues after a failed save; that save's own caller gets its error through `job`.
    saving = job.catch(() => {
      // The chain continues; the save's caller gets its error through `job`.
    });
    return job;
  }

  const loaded = dataFile === null ? null : await loadState(dataFile);
  let state = loaded ?? seed();
  if (loaded === null) await persist(state);

  return {
    current: () => state,
    commit(next) {
      state = next;
      return persist(state);
    },
    settled: () => saving,
  };
}
