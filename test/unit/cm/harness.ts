import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { createCmClient, nodeFetchTransport, type CmClient, type CmClientOptions } from '../../../src/main/cm';
import { startCmSimulator, type CmSimulator, type CmSimulatorOptions } from '../../../src/main/training/cm-sim';
import { StationError } from '../../../src/shared/errors';

/** Everything a test started, stopped after it whatever happened. */
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

export async function startSim(options: CmSimulatorOptions = {}): Promise<CmSimulator> {
  const sim = await startCmSimulator({ host: '127.0.0.1', port: 0, ...options });
  cleanups.push(() => sim.close());
  return sim;
}

export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cm-sim-test-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A raw call to the simulator's REST API (a JSON body when given): its status and body text. */
export async function http(sim: CmSimulator, method: string, path: string, body?: unknown): Promise<{ status: number; body: string }> {
  const response = await fetch(new URL(path, sim.baseUrl), {
    method,
    ...(body === undefined ? {} : { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return { status: response.status, body: await response.text() };
}

/** Back-off waits are recorded, not slept, so retry tests are fast and exact. */
export function fastClient(baseUrl: string, overrides: Partial<CmClientOptions> = {}): { client: CmClient; sleeps: number[] } {
  const sleeps: number[] = [];
  const client = createCmClient({
    baseUrl,
    transport: nodeFetchTransport,
    timeoutMs: 2_000,
    getRetries: 2,
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...overrides,
  });
  return { client, sleeps };
}

export async function simWithClient(
  simOptions: CmSimulatorOptions = {},
  clientOptions: Partial<CmClientOptions> = {},
): Promise<{ sim: CmSimulator; client: CmClient; sleeps: number[] }> {
  const sim = await startSim(simOptions);
  return { sim, ...fastClient(sim.baseUrl, clientOptions) };
}

/** The StationError a promise rejects with (fails the test if it resolves or throws anything else). */
export async function stationError(promise: Promise<unknown>): Promise<StationError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof StationError) return err;
    throw new Error(`expected a StationError, got ${String(err)}`, { cause: err });
  }
  throw new Error('expected a StationError, the call succeeded');
}
