import { z } from 'zod';

/**
 * Reader name patterns: the one matcher for IT's include/exclude lists (settings, policy, the
 * monitor, diagnostics). Globs only: `*` matches any run of characters (also none), `?` exactly one
 * character, every other character matches itself; matching is case-insensitive and covers the
 * whole reader name. Example: `*Windows Hello*` hides the Windows Hello virtual smart card reader.
 *
 * Regular expressions are not accepted: a malformed one used to stop the reader monitor (and with
 * it the station), and `g`/`y` flags made matching stateful. A value written as `/.../` is refused
 * at the boundary with that reason, never silently reinterpreted as a glob.
 */

const MAX_PATTERN_LENGTH = 200;

/** Why a pattern cannot be used, in words for the settings and policy problem lists; null if fine. */
export function readerPatternProblem(pattern: string): string | null {
  if (pattern.length === 0) return 'must not be empty';
  if (pattern.length > MAX_PATTERN_LENGTH) return 'is too long';
  if (pattern.length >= 2 && pattern.startsWith('/') && /\/[dgimsuyv]*$/.test(pattern.slice(1))) {
    return `"${pattern}" looks like a regular expression; reader patterns are globs only (* and ?), e.g. *Windows Hello*`;
  }
  // Reader names never contain control characters; one in a pattern is a typing or encoding accident.
  if (/\p{Cc}/u.test(pattern)) return 'must not contain control characters';
  return null;
}

export const readerPatternSchema = z
  .string()
  .trim()
  .superRefine((pattern, ctx) => {
    const problem = readerPatternProblem(pattern);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** Compiles a valid glob into an anchored, stateless expression (every other character escaped). */
export function compileReaderPattern(pattern: string): RegExp {
  const body = [...pattern]
    .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[\\^$.|+()[\]{}/]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, 'isu');
}

export function readerPatternMatches(pattern: string, readerName: string): boolean {
  return compileReaderPattern(pattern).test(readerName);
}

export interface ReaderPatterns {
  readonly readerInclude: readonly string[];
  readonly readerExclude: readonly string[];
}

/**
 * The filter for a set of patterns, compiled once: a reader is shown when it matches an include
 * pattern (an empty include list includes every reader) and no exclude pattern (exclusion wins).
 * Patterns reach here validated (settings and policy parse them with readerPatternSchema); one
 * that is not is ignored rather than thrown, so a bad value can never stop the reader monitor.
 */
export function createReaderPatternFilter(patterns: ReaderPatterns): (readerName: string) => boolean {
  const compile = (list: readonly string[]) =>
    list.filter((pattern) => readerPatternProblem(pattern) === null).map(compileReaderPattern);
  const include = compile(patterns.readerInclude);
  const exclude = compile(patterns.readerExclude);
  return (name) =>
    (include.length === 0 || include.some((pattern) => pattern.test(name))) &&
    !exclude.some((pattern) => pattern.test(name));
}

export function isReaderShown(readerName: string, patterns: ReaderPatterns): boolean {
  return createReaderPatternFilter(patterns)(readerName);
}
