import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { StationError } from '../../../src/shared/errors';
import { issuanceRecordSchema, newRecord, type IssuanceRecord } from '../../../src/main/issuance/records';
import { runIssuance, type RunContext } from '../../../src/main/issuance/runner';
import { CARD_ID, Crash, FakeCard, FakeCm, type Fault, type FaultKind, Faults, fakePorts, PROFILE_ID, READER, REQUEST_ID, SMARTCARD_UUID } from './fakes';

export const USER_PIN = '975310';

/**
 * One "station process" over a simulated disk: the runner's commits go through `faults` (so a
 * crash can fall before or after any record reaches the disk) and each record is read back
 * through its zod schema, as the journal does at start-up. A crash loses memory (the pfxpassword)
 * but not the disk, the card or CM. Progress records ('with-next') are written but flushed only
 * with the next durable one: a crash keeps them or loses them, as `crashLosesProgress` says (a
 * real disk may do either).
 */
export class World {
  faults = new Faults();
  card = new FakeCard();
  cm = new FakeCm();
  /** Progress written since the last durable record: on disk only if the "kernel" got to it. */
  unflushed: IssuanceRecord | null = null;
  crashLosesProgress = false;
  /** What is on disk for sure. */
  disk: IssuanceRecord = newRecord(
    { requestId: REQUEST_ID, reader: READER, smartcardUuid: SMARTCARD_UUID, cardId: CARD_ID, atr: '3b8c80', profileTemplateUuid: PROFILE_ID },
    'running',
    '2026-12-07T06:00:00.000Z',
  );
  pfxPasswords = new Map<string, string>();
  shownPins: string[] = [];
  pinAsked = 0;
  cancel = false;
  clock = Date.parse('2026-12-07T06:00:00.000Z');

  context(): RunContext {
    return {
      ports: fakePorts(this.card, this.cm, this.faults),
      commit: (record, flush) =>
        this.faults.call(
          'commit',
          () => new StationError('STORAGE_IO', 'The station could not write its data file (EIO).'),
          () => {
            const written = issuanceRecordSchema.parse(JSON.parse(JSON.stringify(record)));
            if (flush === 'now') {
              this.disk = written;
              this.unflushed = null;
            } else this.unflushed = written;
          },
        ),
      now: () => new Date((this.clock += 7)),
      randomBytes,
      pfxPasswords: this.pfxPasswords,
      askPin: async () => {
        this.pinAsked++;
        return USER_PIN;
      },
      showPin: async (_rid, pin) => {
        this.shownPins.push(pin);
      },
      cancelRequested: () => this.cancel,
      activation: { polls: 2, intervalMs: 0 },
      sleep: async () => undefined,
    };
  }

  /** One run from what is on disk; a crash ends the "process" (its memory is lost). */
  async run(): Promise<IssuanceRecord | 'crashed'> {
    try {
      const result = await runIssuance(this.context(), this.disk);
      return result;
    } catch (err) {
      if (!(err instanceof Crash)) throw err;
      this.faults.crashed = false;
      if (this.unflushed !== null && !this.crashLosesProgress) this.disk = this.unflushed;
      this.unflushed = null;
      this.pfxPasswords = new Map();
      return 'crashed';
    }
  }
}

/** A run that must end (done, paused or failed): a crash there is the test's bug. */
export async function finished(world: World): Promise<IssuanceRecord> {
  const result = await world.run();
  if (result === 'crashed') throw new Error('unexpected crash');
  return result;
}

/** Where the `nth` call named `name` falls in a clean run of `make`'s world (never the first call). */
export async function callIndex(make: () => World, name: string, nth = 0): Promise<number> {
  const clean = make();
  await finished(clean);
  const at = clean.faults.calls.flatMap((call, i) => (call === name ? [i] : []))[nth];
  if (at === undefined || at <= 0) throw new Error(`no call ${name} (#${nth}) after the first in a clean run: ${clean.faults.calls.join(', ')}`);
  return at;
}

/** One case of a fault sweep: the call's index and name in a clean run, and the fault put before or after it. */
export type FaultCase = [at: number, name: string, when: 'before' | 'after', kind: FaultKind];

/**
 * The calls of a clean run of `make`'s world, and a fault before and after each: a crash, or a
 * transient one. `clean` is that run's world, for what a test reads of the clean run itself.
 */
export async function faultCases(make: () => World): Promise<{ clean: World; trace: string[]; cases: FaultCase[] }> {
  const clean = make();
  await clean.run();
  const trace = clean.faults.calls;
  const cases: FaultCase[] = [];
  for (const [at, name] of trace.entries()) {
    for (const when of ['before', 'after'] as const) for (const kind of ['crash', 'transient'] as const) cases.push([at, name, when, kind]);
  }
  return { clean, trace, cases };
}

/** Runs (resuming after each crash) until the issuance ends done or failed; six runs at most. */
export async function settle(world: World): Promise<IssuanceRecord> {
  for (let run = 0; run < 6; run++) {
    const result = await world.run();
    if (result === 'crashed') continue;
    if (result.phase === 'done' || result.phase === 'failed') return result;
  }
  throw new Error(`did not settle: ${JSON.stringify(world.disk.phase)} ${JSON.stringify(world.disk.error)}`);
}

/**
 * The same fault in a world whose crash loses the unflushed progress records must end the same way
 * as `result` (and reach certificatedata at most once). Returns that world, for what a test checks further.
 */
export async function expectSameEndWithProgressLost(make: () => World, fault: Fault, result: IssuanceRecord): Promise<World> {
  const lossy = make();
  lossy.crashLosesProgress = true;
  lossy.faults.fault = fault;
  const lossyResult = await settle(lossy);
  expect(lossy.cm.certificateCalls).toBeLessThanOrEqual(1);
  expect({ phase: lossyResult.phase, code: lossyResult.error?.code }, 'the same end with the progress records lost').toEqual({
    phase: result.phase,
    code: result.error?.code,
  });
  return lossy;
}
