// What the whole-station issuance tests share (station-issuance.test.ts, station-server-key.test.ts):
// the station's tuning for quick runs, the wait for an issuance state in the test reader, a factory
// YubiKey bound (and issued under policy `always`) there, and a PIV session on the card there
// through the station's own host side.
import { expect } from 'vitest';
import { createPivCardAccess, type PivSession } from '../../../src/main/pcsc';
import { call } from '../../../src/main/station/dispatch';
import { SAMPLE_CARDS, sampleCard } from '../../../src/main/training/sample-cards';
import type { EnrollmentState } from '../../../src/shared/enrollment';
import type { IssuanceState } from '../../../src/shared/issuance';
import { nextEvent } from '../../support/station-events';
import type { StationDeps } from '../../../src/main/station/station';
import { TEST_READERS, type TestStation } from '../../support/test-station';

export const READER = TEST_READERS[0];

/** Quick probes and back-off, no GET retries, a short activation check. */
export const ISSUANCE_TUNING: Partial<StationDeps> = {
  tuning: { probeIntervalMs: 200, backoff: { baseMs: 50, maxMs: 500, jitter: 0 }, getRetries: 0, issuanceActivation: { polls: 3, intervalMs: 50 } },
};

/** The next issuance state of the test reader that `accept` takes. */
export const issuanceIn = (s: TestStation, accept: (state: IssuanceState) => boolean, ms = 20_000) =>
  nextEvent(s.station, 'issuance.changed', (state) => state.reader === READER && accept(state), ms);

/** A YubiKey as it leaves the factory (default PIN, PUK and management key, no CHUID). */
export const FACTORY = SAMPLE_CARDS.find((c) => c.id === 'yubikey-factory')!;

/** Inserts a factory YubiKey, chooses `requestId` and confirms: the station writes a CHUID and binds. */
export async function bindFactoryCard(s: TestStation, requestId: string) {
  const card = sampleCard(FACTORY);
  const read = nextEvent(s.station, 'enrollment.changed', (e: EnrollmentState) => e.reader === READER && e.step === 'card-read');
  s.readers.insert(READER, card);
  await read;
  const chosen = await call(s.station.handlers, 'enrollment.choose', { reader: READER, requestId, replaceSmartcardUuid: null });
  expect(chosen.step).toBe('request-chosen');
  if (chosen.step !== 'request-chosen') throw new Error('not chosen');
  // The plan: issuable, and a fresh CHUID for this factory card, whose card id the confirmation shows.
  expect(chosen.issuance).toMatchObject({ reason: null, chuid: expect.stringMatching(/^[0-9a-f]{32}$/) });
  await call(s.station.handlers, 'enrollment.bind', { reader: READER });
  return { card, cardId: chosen.payload.cardid };
}

/**
 * Under policy `always`: binds a factory YubiKey to `requestId` (bindFactoryCard), which the station
 * issues at once; `pin` is typed at the hand-over. The issuance's end; each wait is up to `ms` (issuanceIn).
 */
export async function issueFactoryCard(s: TestStation, requestId: string, pin: string, ms?: number): Promise<IssuanceState> {
  const pinEntry = issuanceIn(s, (st) => st.phase === 'pin-entry' || st.phase === 'failed' || st.phase === 'paused', ms);
  await bindFactoryCard(s, requestId);
  expect((await pinEntry).phase).toBe('pin-entry');
  const done = issuanceIn(s, (st) => st.phase === 'done' || st.phase === 'failed' || st.phase === 'paused', ms);
  await call(s.station.handlers, 'issuance.submitPin', { reader: READER, pin, confirm: pin });
  return done;
}

/** A PIV session on the card in the test reader, over a PC/SC context of its own. */
export async function withCardSession<T>(s: TestStation, use: (session: PivSession) => Promise<T>): Promise<T> {
  const context = s.readers.binding.establish({ readers: () => undefined, status: () => undefined, lost: () => undefined });
  try {
    const session = await createPivCardAccess(context).open(READER);
    try {
      return await use(session);
    } finally {
      await session.close();
    }
  } finally {
    context.close();
  }
}
