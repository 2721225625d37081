import * as nodeFs from 'node:fs';
import { dirname } from 'node:path';

/** The slice of node:fs the POSIX channels use; injected so tests can present any owner and mode. */
export interface PolicyFs {
  lstatSync(path: string): Pick<nodeFs.Stats, 'uid' | 'mode' | 'isFile' | 'isDirectory' | 'isSymbolicLink'>;
  readFileSync(path: string): Uint8Array;
}

export const nodePolicyFs: PolicyFs = {
  lstatSync: (path) => nodeFs.lstatSync(path),
  readFileSync: (path) => nodeFs.readFileSync(path),
};

export type RootOwnedRead = { kind: 'missing' } | { kind: 'refused'; problems: string[] } | { kind: 'read'; bytes: Uint8Array };

function errnoCode(err: unknown): string {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : err instanceof Error ? err.message : String(err);
}

const GROUP_OR_OTHER_WRITE = 0o022;

function ownershipProblems(what: string, path: string, stat: ReturnType<PolicyFs['lstatSync']>, rootUid: number): string[] {
  const problems: string[] = [];
  if (stat.uid !== rootUid) problems.push(`${what} ${path} is owned by uid ${stat.uid}, not by root: only root may write machine policy`);
  if ((stat.mode & GROUP_OR_OTHER_WRITE) !== 0) {
    problems.push(`${what} ${path} is writable by group or others (mode ${(stat.mode & 0o777).toString(8).padStart(3, '0')}): run chmod go-w`);
  }
  return problems;
}

/**
 * Read a policy file only if it and its folder are owned by root and writable by nobody else, as
 * Chrome and Firefox require of /etc policies: anyone else who can write either could plant a
 * policy that sends operators' credentials to their server. A symbolic link is refused (its target
 * could be anyone's). A file that is not there is "no policy"; anything else that is wrong is a
 * refusal with the reason, never a silent fallback.
 */
export function readRootOwnedFile(path: string, fs: PolicyFs = nodePolicyFs, rootUid = 0): RootOwnedRead {
  let fileStat: ReturnType<PolicyFs['lstatSync']>;
  try {
    fileStat = fs.lstatSync(path);
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
    return { kind: 'refused', problems: [`${path} cannot be examined (${code})`] };
  }
  if (fileStat.isSymbolicLink()) return { kind: 'refused', problems: [`${path} is a symbolic link; put the policy file itself there`] };
  if (!fileStat.isFile()) return { kind: 'refused', problems: [`${path} is not a regular file`] };
  const folder = dirname(path);
  let folderStat: ReturnType<PolicyFs['lstatSync']>;
  try {
    folderStat = fs.lstatSync(folder);
  } catch (err) {
    return { kind: 'refused', problems: [`the folder ${folder} cannot be examined (${errnoCode(err)})`] };
  }
  const problems = [
    ...(folderStat.isDirectory() ? [] : [`the folder ${folder} is not a real folder (a symbolic link?)`]),
    ...ownershipProblems('the folder', folder, folderStat, rootUid),
    ...ownershipProblems('the file', path, fileStat, rootUid),
  ];
  if (problems.length > 0) return { kind: 'refused', problems };
  try {
    return { kind: 'read', bytes: fs.readFileSync(path) };
  } catch (err) {
    const code = errnoCode(err);
    return { kind: 'refused', problems: [`${path} cannot be read (${code})${code === 'EACCES' ? ': make it readable by all (chmod 644)' : ''}`] };
  }
}
