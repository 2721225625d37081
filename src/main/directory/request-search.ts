import type { CmRequest } from '../../shared/cm';
import type { DirectoryAnswer } from '../../shared/directory';
import type { RequestSearchResult } from '../../shared/enrollment';
import { matching } from '../requests';
import type { DirectoryService } from './cached-directory';

/**
 * Search by person: the requests whose target user the directory matched, added after the
 * requests the text matched itself (id, GUID, template). `all` is the whole bindable list.
 */
export function requestsForPeople(byText: RequestSearchResult, all: readonly CmRequest[], people: DirectoryAnswer, limit: number): CmRequest[] {
  if (people.state !== 'answered' || people.users.length === 0) return byText.requests;
  const order = new Map(people.users.map((u, i) => [u.guid, i]));
  const seen = new Set(byText.requests.map((r) => r.uuid));
  const theirs = all
    .filter((r) => r.targetUserUuid !== null && order.has(r.targetUserUuid) && !seen.has(r.uuid))
    .sort((a, b) => order.get(a.targetUserUuid!)! - order.get(b.targetUserUuid!)!);
  return [...theirs, ...byText.requests].slice(0, limit);
}

export interface PeopleSearchDeps {
  directory: DirectoryService;
  /** The bindable requests (live, or the offline copy), unfiltered. */
  allRequests: () => Promise<RequestSearchResult>;
}

/** How many people one name search may match: a desk query is for one person, rarely a few. */
const PEOPLE_PER_SEARCH = 25;

/**
 * `requests.search` with people: the text matches requests as before, and the people the
 * directory finds for it bring their bindable requests; every row's target user comes back named.
 */
export async function searchRequestsWithPeople(deps: PeopleSearchDeps, query: string, limit: number): Promise<RequestSearchResult> {
  const text = query.trim();
  // The directory and CM (or the request copy) are asked at the same time.
  const [found, all] = await Promise.all([
    text !== '' ? deps.directory.search(text, PEOPLE_PER_SEARCH) : Promise.resolve<DirectoryAnswer>({ state: 'unconfigured' }),
    deps.allRequests(),
  ]);
  const byText = { ...all, requests: matching(all.requests, text) };
  const requests = requestsForPeople(byText, all.requests, found, limit);
  const targets = requests.map((r) => r.targetUserUuid).filter((g): g is string => g !== null);
  const people = await deps.directory.resolve(targets);
  return { ...all, requests, people };
}
