import { readFileSync } from 'node:fs';

/**
 * pcsc-tools' smartcard_list.txt (Ludovic Rousseau, ~5,000 community-contributed entries). It is
 * GPL-2.0, so the station never copies or ships it: it is read at run time where the operating
 * system provides it (Debian/Ubuntu package pcsc-tools), and is simply absent elsewhere.
 *
 * Format: an ATR regular expression on a line of its own ("3B 8F 80 01 .. 4F"), matched against
 * the upper-case, space-separated ATR; then one or more description lines starting with a tab.
 * Lines starting with '#' are comments.
 */
export const DEFAULT_SYSTEM_LIST_PATH = '/usr/share/pcsc/smartcard_list.txt';

export interface SystemListEntry {
  readonly pattern: RegExp;
  /** First description line: the card's name (later lines are usually URLs or aliases). */
  readonly name: string;
}

function parseSystemList(text: string): SystemListEntry[] {
  const entries: SystemListEntry[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] ?? '';
    if (line === '' || line.startsWith('#') || line.startsWith('\t')) continue;
    const name = lines[i + 1]?.startsWith('\t') ? (lines[i + 1] ?? '').trim() : '';
    let pattern: RegExp;
    try {
      // Grouped, so a top-level alternation stays anchored at both ends.
      pattern = new RegExp(`^(?:${line.trim()})$`, 'i');
    } catch {
      continue; // A Perl-only construct JavaScript cannot compile: that one entry is unusable.
    }
    if (name !== '') entries.push({ pattern, name });
  }
  return entries;
}

/** Reads the list; a missing or unreadable file means "no system list", not a failure. */
export function loadSystemList(path: string): SystemListEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    // No system list installed: the bundled table is enough.
    return [];
  }
  return parseSystemList(text);
}

/** The spelling the list's patterns are written against: "3B 8F 80 01". */
export function listSpelling(atrHex: string): string {
  return (atrHex.toUpperCase().match(/../g) ?? []).join(' ');
}
