// Which readers the station shows. IT hides readers by name, e.g. the virtual readers Windows Hello
// for Business adds, so patterns are matched against the full reader name:
//   - a glob (the default): `*` any run of characters, `?` one character, case-insensitive, whole name
//     ("Windows Hello*", "*YubiKey*");
//   - a regular expression when written as /source/flags ("/^Virtual PCD 00 0[01]$/"), unanchored
//     as usual for regexes.
// A reader is shown when it matches at least one include pattern (or there are none) and no exclude
// pattern.
import { StationError } from '../../shared/errors';

export interface ReaderFilterConfig {
  readonly include?: readonly string[];
  readonly exclude?: readonly string[];
}

export type ReaderFilter = (readerName: string) => boolean;

export function createReaderFilter(config: ReaderFilterConfig = {}): ReaderFilter {
  const include = (config.include ?? []).map(compilePattern);
  const exclude = (config.exclude ?? []).map(compilePattern);
  return (name) =>
    (include.length === 0 || include.some((pattern) => pattern.test(name))) &&
    !exclude.some((pattern) => pattern.test(name));
}

function compilePattern(pattern: string): RegExp {
  const regex = /^\/(.*)\/([a-z]*)$/s.exec(pattern);
  if (regex) {
    try {
      return new RegExp(regex[1] ?? '', regex[2]);
    } catch (err) {
      throw new StationError('SETTINGS_INVALID', `The reader name pattern ${pattern} is not a valid regular expression.`, {
        pattern,
        cause: err instanceof Error ? err.message : String(err),
      });
    }
  }
  const source = [...pattern]
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 'is');
}
