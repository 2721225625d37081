import { useEffect } from 'react';
import { create } from 'zustand';
import type { DirectoryAnswer, DirectoryFailure, DirectoryUser } from '../shared/directory';
import type { StationClient } from './client';
import { fire } from './fire';

/**
 * The people the directory named so far, by CM user GUID. CM's REST API has no user names; the
 * station asks its directory (when machine policy configures one) and the screens show name +
 * account beside the GUID. Without a directory every screen still works with GUIDs alone.
 */
export interface PeopleState {
  /** From the snapshot: 'none' means names are unavailable on this station. */
  kind: 'none' | 'ldap' | 'ad';
  users: Record<string, DirectoryUser>;
  /** GUIDs asked for and not found (so they are not asked again and again). */
  unknown: Record<string, true>;
  /** The last answer came from the cached copy because the directory failed. */
  failure: DirectoryFailure | null;
  cachedAt: string | null;
}

export const initialPeopleState: PeopleState = { kind: 'none', users: {}, unknown: {}, failure: null, cachedAt: null };
export const usePeople = create<PeopleState>(() => initialPeopleState);

export function setDirectoryKind(kind: PeopleState['kind']): void {
  usePeople.setState({ kind });
}

/** Merge an answer: found people are kept; `asked` ones not found are marked unknown. */
export function applyPeople(answer: DirectoryAnswer | undefined, asked: readonly string[] = []): void {
  if (!answer) return;
  if (answer.state === 'unconfigured') {
    usePeople.setState({ kind: 'none' });
    return;
  }
  usePeople.setState((s) => {
    const users = { ...s.users };
    for (const user of answer.users) users[user.guid] = user;
    const unknown = { ...s.unknown };
    for (const guid of asked) if (!users[guid]) unknown[guid] = true;
    return { users, unknown, failure: answer.failure, cachedAt: answer.cachedAt };
  });
}

const inFlight = new Set<string>();

/** Ask the station for the names of these GUIDs unless known, unknown or already asked. */
export async function resolvePeople(client: StationClient, guids: readonly (string | null)[]): Promise<void> {
  const { kind, users, unknown } = usePeople.getState();
  if (kind === 'none') return;
  const wanted = [...new Set(guids.filter((g): g is string => g !== null && !users[g] && !unknown[g] && !inFlight.has(g)))];
  if (wanted.length === 0) return;
  wanted.forEach((g) => inFlight.add(g));
  try {
    applyPeople(await client.call('directory.resolve', { userUuids: wanted.slice(0, 200) }), wanted);
  } catch {
    // Names are never required: the GUID stays on screen.
  } finally {
    wanted.forEach((g) => inFlight.delete(g));
  }
}

/** The person behind a CM user GUID, asking the station once when needed. */
export function usePerson(client: StationClient | null, guid: string | null): DirectoryUser | null {
  const person = usePeople((s) => (guid ? (s.users[guid] ?? null) : null));
  const kind = usePeople((s) => s.kind);
  useEffect(() => {
    if (client && guid && !person && kind !== 'none') fire(resolvePeople(client, [guid]), 'directory lookup');
  }, [client, guid, person, kind]);
  return person;
}
