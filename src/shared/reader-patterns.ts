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

/**
 * A pattern prepared once for matching: its code points, case-folded. Matching is the classic
 * two-pointer glob walk (on a mismatch, go back to the last `*` and let it swallow one more
 * character), O(pattern × name) at worst and without recursion. Not a RegExp: `*?*?*?…#` compiled
 * to `.*..*.…#` backtracked exponentially and hung the reader monitor on a long reader name.
 */
export interface CompiledReaderPattern {
  readonly test: (readerName: string) => boolean;
}

/**
 * Case-insensitive, one code point against one (what the former `iu` expression did for the
 * names readers have): equal, or equal once lower-cased or upper-cased as a single code point.
 */
function fold(ch: string): string {
  // ASCII (nearly every reader name): one comparison, no allocation.
  const code = ch.charCodeAt(0);
  if (code < 0x80) return code >= 0x41 && code <= 0x5a ? String.fromCharCode(code + 0x20) : ch;
  const lower = ch.toLowerCase();
  // A code point that lower-cases to several (e.g. U+0130) keeps its upper-case form instead, so
  // folding never changes how many code points a name has.
  return [...lower].length === 1 ? lower : ch.toUpperCase();
}

export function globMatches(pattern: readonly string[], name: readonly string[]): boolean {
  let p = 0;
  let n = 0;
  let star = -1; // position in the pattern just after the last `*` seen
  let starName = 0; // where in the name that `*` now ends
  while (n < name.length) {
    const token = pattern[p];
    if (token === '*') {
      star = ++p;
      starName = n;
    } else if (token !== undefined && (token === '?' || token === name[n])) {
      p += 1;
      n += 1;
    } else if (star >= 0) {
      p = star;
      n = ++starName;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p += 1;
  return p === pattern.length;
}

/** Prepares a valid glob for matching (every character but `*` and `?` matches itself). */
export function compileReaderPattern(pattern: string): CompiledReaderPattern {
  const tokens = [...pattern].map((ch) => (ch === '*' || ch === '?' ? ch : fold(ch)));
  return { test: (readerName) => globMatches(tokens, [...readerName].map(fold)) };
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
  const compile = (list: readonly string[]) => list.filter((pattern) => readerPatternProblem(pattern) === null).map(compileReaderPattern);
  const include = compile(patterns.readerInclude);
  const exclude = compile(patterns.readerExclude);
  return (name) => (include.length === 0 || include.some((pattern) => pattern.test(name))) && !exclude.some((pattern) => pattern.test(name));
}

export function isReaderShown(readerName: string, patterns: ReaderPatterns): boolean {
  return createReaderPatternFilter(patterns)(readerName);
}
