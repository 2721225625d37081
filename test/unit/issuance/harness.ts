import { randomBytes } from 'node:crypto';
import { StationError } from '../../../src/shared/errors';
import { issuanceRecordSchema, newRecord, type IssuanceRecord } from '../../../src/main/issuance/records';
import { runIssuance, type RunContext } from '../../../src/main/issuance/runner';
import { CARD_ID, Crash, FakeCard, FakeCm, Faults, fakePorts, PROFILE_ID, READER, REQUEST_ID, SMARTCARD_UUID } from './fakes';

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
