import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { normalizeGuid } from '../../shared/cm';
import { type DirectoryAnswer, directoryUserSchema } from '../../shared/directory';
import { replaceFileDurably } from '../journal';
import { type DirectoryAdapter, DirectoryError, type DirectoryUser } from './types';

/** What the station asks of the directory; `unconfigured` when machine policy names none. */
export interface DirectoryService {
  readonly kind: 'none' | 'ldap' | 'ad';
  resolve(guids: readonly string[]): Promise<DirectoryAnswer>;
  search(text: string, limit: number): Promise<DirectoryAnswer>;
  close(): Promise<void>;
}

export const UNCONFIGURED_DIRECTORY: DirectoryService = {
  kind: 'none',
  resolve: async () => ({ state: 'unconfigured' }),
  search: async () => ({ state: 'unconfigured' }),
  close: async () => undefined,
};

export interface CachedDirectoryOptions {
  adapter: DirectoryAdapter;
  /** The cache file lives here (beside the request cache). */
  dir: string;
  now: () => Date;
  /** An entry younger than this is used without asking the directory. */
  freshMs: number;
  /** Entries older than this are dropped: a person who left stops being shown. */
  maxAgeMs: number;
  /** Bound on the entries kept (the oldest go first). */
  maxEntries: number;
  /**
   * After a failure the copy answers at once for this long: an unreachable directory must not
   * make every search wait for a time-out.
   */
  quietAfterFailureMs: number;
  /** Failures are logged in English (never shown: the renderer words the reason). */
  log?: (message: string) => void;
}

const cacheFileSchema = z.object({
  entries: z.array(z.object({ user: directoryUserSchema, fetchedAt: z.string() })),
});
type Entry = z.infer<typeof cacheFileSchema>['entries'][number];

/**
 * The directory with a local copy of every person it named: a request list reads names from the
 * copy while it is fresh, and from the stale copy (labelled with its age) when the directory
 * cannot be reached, so names keep showing offline like the request list does.
 */
export async function openCachedDirectory(options: CachedDirectoryOptions): Promise<DirectoryService> {
  const path = join(options.dir, 'directory-cache.json');
  const entries = new Map<string, Entry>((await load(path)).map((e) => [e.user.guid, e]));
  const log = options.log ?? (() => undefined);
  let failedAt: { at: number; error: DirectoryError } | null = null;
  /** The last failure, while it is recent enough to answer from the copy without asking. */
  const recentFailure = (): DirectoryError | null => (failedAt && options.now().getTime() - failedAt.at < options.quietAfterFailureMs ? failedAt.error : null);
  async function ask<T>(work: () => Promise<T>): Promise<T> {
    const recent = recentFailure();
    if (recent) throw recent;
    try {
      const value = await work();
      failedAt = null;
      return value;
    } catch (err) {
      const error = asDirectoryError(err);
      failedAt = { at: options.now().getTime(), error };
      throw error;
    }
  }

  const age = (entry: Entry) => options.now().getTime() - Date.parse(entry.fetchedAt);
  function prune(): void {
    for (const [guid, entry] of entries) if (!(age(entry) <= options.maxAgeMs)) entries.delete(guid);
    if (entries.size > options.maxEntries) {
      const oldest = [...entries.values()].sort((a, b) => a.fetchedAt.localeCompare(b.fetchedAt));
      for (const entry of oldest.slice(0, entries.size - options.maxEntries)) entries.delete(entry.user.guid);
    }
  }
  function remember(users: readonly DirectoryUser[]): void {
    const fetchedAt = options.now().toISOString();
    for (const user of users) {
      entries.delete(user.guid); // re-inserted last: Map order is age order
      entries.set(user.guid, { user, fetchedAt });
    }
    prune();
    try {
      replaceFileDurably(path, Buffer.from(JSON.stringify({ entries: [...entries.values()] })));
    } catch (err) {
      log(`directory cache not saved: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  function fromCache(found: readonly Entry[], failure: DirectoryError): DirectoryAnswer {
    log(failure.message);
    const oldest = found.map((e) => e.fetchedAt).sort()[0] ?? null;
    return { state: 'answered', users: found.map((e) => e.user), source: 'cache', failure: failure.reason, cachedAt: oldest };
  }
  const asDirectoryError = (err: unknown) =>
    err instanceof DirectoryError ? err : new DirectoryError('protocol', err instanceof Error ? err.message : String(err));

  return {
    kind: options.adapter.kind,
    async resolve(guids) {
      prune();
      const wanted = [...new Set(guids.map((g) => normalizeGuid(g)).filter((g): g is string => g !== null))];
      const fresh = wanted.filter((g) => {
        const e = entries.get(g);
        return e !== undefined && age(e) < options.freshMs;
      });
      const missing = wanted.filter((g) => !fresh.includes(g));
      if (missing.length === 0) {
        return { state: 'answered', users: fresh.map((g) => entries.get(g)!.user), source: 'live', failure: null, cachedAt: null };
      }
      try {
        remember(await ask(() => options.adapter.lookup(missing)));
      } catch (err) {
        return fromCache(
          wanted.map((g) => entries.get(g)).filter((e): e is Entry => e !== undefined),
          asDirectoryError(err),
        );
      }
      const users = wanted.map((g) => entries.get(g)?.user).filter((u): u is DirectoryUser => u !== undefined);
      return { state: 'answered', users, source: 'live', failure: null, cachedAt: null };
    },
    async search(text, limit) {
      try {
        const users = await ask(() => options.adapter.search(text, limit));
        remember(users);
        return { state: 'answered', users, source: 'live', failure: null, cachedAt: null };
      } catch (err) {
        prune();
        return fromCache(cachedMatches([...entries.values()], text).slice(0, limit), asDirectoryError(err));
      }
    },
    close: () => options.adapter.close(),
  };
}

/** Offline search: every word starts a word of the name, the account or the UPN. */
export function cachedMatches(entries: readonly Entry[], text: string): Entry[] {
  const words = text.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  return entries.filter(({ user }) => {
    const tokens = [user.displayName, user.account, user.account.split('\\').pop() ?? '', user.upn ?? '']
      .join(' ')
      .toLowerCase()
      .split(/[\s\\@.]+/)
      .filter(Boolean);
    return words.every((w) => tokens.some((t) => t.startsWith(w)));
  });
}

async function load(path: string): Promise<Entry[]> {
  try {
    const parsed = cacheFileSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
    // A damaged copy is only a cache: start empty rather than refuse to start.
    return parsed.success ? parsed.data.entries : [];
  } catch {
    // No copy or an unreadable one: only a cache, it starts empty.
    return [];
  }
}
