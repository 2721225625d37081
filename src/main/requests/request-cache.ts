import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { type CmRequest, cmRequestSchema } from '../../shared/cm';
import type { RequestSearchResult } from '../../shared/enrollment';
import { StationError } from '../../shared/errors';
import type { CmClient } from '../cm';
import { replaceFileDurably } from '../journal';

/** The statuses CM accepts a bind for (SDK precondition): the cache holds exactly these. */
export const BINDABLE_STATUSES = ['Approved', 'Executing'] as const;

const cacheFileSchema = z.object({ syncedAt: z.string(), requests: z.array(cmRequestSchema) });
type CacheFile = z.infer<typeof cacheFileSchema>;

export interface RequestCache {
  /** Live from CM when it answers, else the last synced copy (with its age). */
  search(query: string, limit: number): Promise<RequestSearchResult>;
  /** One request: from CM when reachable (it may have changed), else from the copy. */
  get(requestId: string): Promise<CmRequest>;
  refresh(): Promise<void>;
}

export interface RequestCacheOptions {
  dir: string;
  cm: CmClient | null;
  now: () => Date;
  /** false while CM is known to be offline: skip the network and answer from the copy at once. */
  isOnline: () => boolean;
}

/**
 * A local copy of CM's bindable requests, so the operator can find a request while CM is down.
 * It refreshes whenever a search runs while CM is reachable; the file is replaced atomically, so a
 * crash leaves the old copy or the new one, never half of either.
 */
export async function openRequestCache(options: RequestCacheOptions): Promise<RequestCache> {
  const path = join(options.dir, 'requests-cache.json');
  let copy: CacheFile | null = await load(path);
  /** Requests the last refresh could not read (skipped, not the whole list lost). */
  let skipped = 0;

  async function refresh(): Promise<void> {
    const cm = options.cm;
    if (!cm) return;
    const lists = await Promise.all(BINDABLE_STATUSES.map((status) => cm.listRequestsReport({ status })));
    const next: CacheFile = { syncedAt: options.now().toISOString(), requests: lists.flatMap((l) => l.requests) };
    skipped = lists.reduce((sum, l) => sum + l.skipped, 0);
    replaceFileDurably(path, Buffer.from(JSON.stringify(next)));
    copy = next;
  }

  return {
    refresh,
    async search(query, limit) {
      let source: RequestSearchResult['source'] = 'cache';
      if (options.cm && options.isOnline()) {
        try {
          await refresh();
          source = 'live';
        } catch {
          // CM failed this time: the copy answers, labelled with its age (the failure itself
          // reaches the connection banner through the observed transport).
        }
      }
      if (!copy) return { requests: [], source: 'none', syncedAt: null, skipped: 0 };
      return { requests: matching(copy.requests, query).slice(0, limit), source, syncedAt: copy.syncedAt, skipped };
    },
    async get(requestId) {
      if (options.cm && options.isOnline()) {
        try {
          const live = await options.cm.getRequest(requestId);
          if (live) return live;
          throw new StationError('CM_NOT_FOUND', 'CM has no request with this id.', { requestId });
        } catch (err) {
          if (err instanceof StationError && err.code !== 'CM_OFFLINE' && err.code !== 'CM_TIMEOUT') throw err;
        }
      }
      const cached = copy?.requests.find((r) => r.uuid === requestId);
      if (!cached) {
        throw new StationError('CM_NOT_FOUND', 'This request is not in the offline copy of approved requests.', {
          requestId,
        });
      }
      return cached;
    },
  };
}

/** Every word must match the request id, the target user (GUID or name) or the template. */
export function matching(requests: readonly CmRequest[], query: string): CmRequest[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...requests];
  return requests.filter((r) => {
    const haystack = [r.uuid, r.targetUserUuid, r.targetUserDisplayName, r.profileTemplateUuid, r.profileTemplateName]
      .filter((v): v is string => typeof v === 'string')
      .join(' ')
      .toLowerCase();
    return words.every((word) => haystack.includes(word));
  });
}

async function load(path: string): Promise<CacheFile | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return null; // first run: no copy yet
  }
  const parsed = cacheFileSchema.safeParse(safeJson(text));
  // A damaged copy is only a cache: drop it (the next online search rebuilds it) rather than
  // refuse to start. It never holds anything the operator confirmed.
  return parsed.success ? parsed.data : null;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Not JSON: the schema check of the caller treats it as no copy.
    return undefined;
  }
}
