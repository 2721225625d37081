import { hexToBytes, normalizeAtrHex } from '../atr/hex';
import { compileAtrPattern, matchesAtrPattern } from './atr-pattern';
import { BUNDLED_CARD_PATTERNS } from './bundled';
import { DEFAULT_SYSTEM_LIST_PATH, listSpelling, loadSystemList, type SystemListEntry } from './system-list';

export interface CardModel {
  readonly name: string;
  readonly source: 'bundled' | 'system';
}

export interface CardModelMatcher {
  /** The card model an ATR suggests, or null. Throws ATR_INVALID if `atrHex` is not hex. */
  match(atrHex: string): CardModel | null;
}

export interface CardModelMatcherOptions {
  /**
   * pcsc-tools' smartcard_list.txt. Undefined: the Debian/Ubuntu location. Null: bundled table only.
   * A path that does not exist or cannot be read is treated as no list.
   */
  readonly systemListPath?: string | null;
}

const BUNDLED = BUNDLED_CARD_PATTERNS.map(({ name, pattern }) => ({ name, pattern: compileAtrPattern(pattern) }));

/**
 * Names cards from their ATR: the bundled table first, then the system's pcsc-tools list. An ATR is
 * only a hint (the same card shows different ATRs on different readers), so callers confirm the
 * card type by SELECT before relying on it.
 */
export function createCardModelMatcher(opts: CardModelMatcherOptions = {}): CardModelMatcher {
  const path = opts.systemListPath === undefined ? DEFAULT_SYSTEM_LIST_PATH : opts.systemListPath;
  // Read and compile lazily, once: ~5,000 regexes are not worth paying for until a card shows up.
  let systemList: readonly SystemListEntry[] | null = null;
  const system = (): readonly SystemListEntry[] => {
    systemList ??= path === null ? [] : loadSystemList(path);
    return systemList;
  };

  return {
    match(atrHex) {
      const atr = normalizeAtrHex(atrHex);
      const bytes = hexToBytes(atr);
      const bundled = BUNDLED.find((entry) => matchesAtrPattern(bytes, entry.pattern));
      if (bundled !== undefined) return { name: bundled.name, source: 'bundled' };
      const spelled = listSpelling(atr);
      const listed = system().find((entry) => entry.pattern.test(spelled));
      return listed === undefined ? null : { name: listed.name, source: 'system' };
    },
  };
}
