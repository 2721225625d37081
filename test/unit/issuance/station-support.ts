// What the whole-station issuance tests share (station-issuance.test.ts, station-server-key.test.ts):
// the station's tuning for quick runs, the wait for an issuance state in the test reader, and a PIV
// session on the card there through the station's own host side.
import { createPivCardAccess, type PivSession } from '../../../src/main/pcsc';
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
