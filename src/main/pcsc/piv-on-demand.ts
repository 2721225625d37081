// The PIV host side (./piv: APDUs, the session, certificate compression with zlib; about 35 KiB in
// 5 modules) is loaded on the first probe or session, not at start-up (issue 19 item 7,
// bench/startup.ts): the station creates its card access when it starts, but only desk issuance
// talks PIV to a card.
import { loadOnce } from '../common';
import type * as PivModule from './piv';
import type { PivCardAccess } from './piv';

const loadPiv = loadOnce(() => import('./piv'));

/** Loads the PIV code ahead of the first probe (issuance/adapters.ts prepare, when a card is read). */
export async function loadPivCode(): Promise<void> {
  await loadPiv();
}

/** createPivCardAccess of piv/access.ts; the PIV code is loaded on the first call. */
export function createPivCardAccess(...args: Parameters<typeof PivModule.createPivCardAccess>): PivCardAccess {
  const load = loadOnce(async () => (await loadPiv()).createPivCardAccess(...args));
  return {
    probe: async (reader) => (await load()).probe(reader),
    open: async (reader) => (await load()).open(reader),
  };
}
