import type { DirectoryService } from '../directory';
import { cachedMatches } from '../directory';
import type { DirectoryUser } from '../../shared/directory';
import type { CmSimulator } from './cm-sim';

/**
 * Training's directory: the simulator's seeded people, so training shows names exactly where a
 * real station with a directory does. The real directory is never asked in training.
 */
export function trainingDirectory(simulator: CmSimulator): DirectoryService {
  const people = (): DirectoryUser[] =>
    simulator.admin.state().users.map((u) => ({
      guid: u.Uuid.toLowerCase(),
      displayName: u.DisplayName,
      account: u.AccountName,
      upn: null,
    }));
  const answer = (users: DirectoryUser[]) => ({ state: 'answered' as const, users, source: 'live' as const, failure: null, cachedAt: null });
  return {
    kind: 'ldap',
    resolve: async (guids) => answer(people().filter((p) => guids.includes(p.guid))),
    search: async (text, limit) =>
      answer(
        cachedMatches(
          people().map((user) => ({ user, fetchedAt: '' })),
          text,
        )
          .map((e) => e.user)
          .slice(0, limit),
      ),
    close: async () => undefined,
  };
}
