// Which readers the station shows. IT hides readers by name, e.g. the virtual readers Windows Hello
// for Business adds. The patterns and their one matcher live in src/shared/reader-patterns.ts (globs
// only, case-insensitive, whole name); this is the monitor's and diagnostics' view of it.
import { createReaderPatternFilter } from '../../shared/reader-patterns';

export interface ReaderFilterConfig {
  readonly include?: readonly string[];
  readonly exclude?: readonly string[];
}

export type ReaderFilter = (readerName: string) => boolean;

/** Never throws: an invalid pattern (refused earlier by the settings schema) is ignored. */
export function createReaderFilter(config: ReaderFilterConfig = {}): ReaderFilter {
  return createReaderPatternFilter({ readerInclude: config.include ?? [], readerExclude: config.exclude ?? [] });
}
