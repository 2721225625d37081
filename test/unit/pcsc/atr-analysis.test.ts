import { execFileSync } from 'node:child_process';
import { accessSync, chmodSync, constants, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAtr } from '../../../src/main/pcsc/atr/index';
import { createCardModelMatcher } from '../../../src/main/pcsc/card-models/index';
import type { AtrInfo, InterfaceByteMeaning } from '../../../src/shared/atr-info';

/**
 * Compares parseAtr with pcsc-tools' ATR_analysis (the reference the docs name) on real ATRs.
 * ATR_analysis must be installed (Debian package pcsc-tools): if it is not, this suite fails.
 *
 * ATR_analysis downloads a fresh smartcard_list.txt with wget/curl when an ATR is not in its list
 * and its cache copy is missing or older than 10 hours. We run it with HOME and XDG_CACHE_HOME in a
 * scratch directory and with wget/curl replaced by stubs that only record that they were called,
 * so it never reaches the network and never writes into the real home directory.
 */

const SYSTEM_LIST = '/usr/share/pcsc/smartcard_list.txt';
const ENTRIES = readFileSync(new URL('../../fixtures/atr-corpus.txt', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '' && !line.startsWith('#'))
  .map((line) => {
    const malformed = line.startsWith('!');
    const [atr = '', label = ''] = line
      .replace(/^!/, '')
      .split('|')
      .map((part) => part.trim());
    return { atr, label, malformed };
  });
const CORPUS = ENTRIES.filter((entry) => !entry.malformed);
const MALFORMED = ENTRIES.filter((entry) => entry.malformed);

function findAtrAnalysis(): string {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/local/bin'];
  for (const dir of dirs) {
    const candidate = join(dir, 'ATR_analysis');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  throw new Error('ATR_analysis (pcsc-tools) is not installed: this comparison cannot run. Install it with `apt-get install pcsc-tools`.');
}

let scratch = '';

// Looked up inside each test rather than in a hook: a failing hook would only mark the tests
// skipped, and a missing pcsc-tools must fail every comparison, loudly.
function requirePcscTools(): string {
  const tool = findAtrAnalysis();
  if (!existsSync(SYSTEM_LIST)) throw new Error(`${SYSTEM_LIST} is missing: pcsc-tools is not fully installed.`);
  return tool;
}

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'atr-analysis-'));
  for (const tool of ['wget', 'curl']) {
    const stub = join(scratch, tool);
    writeFileSync(stub, `#!/bin/sh\necho "$0 $*" >> "${join(scratch, 'network-attempts.log')}"\nexit 1\n`);
    chmodSync(stub, 0o755);
  }
});

afterAll(() => {
  if (scratch !== '') rmSync(scratch, { recursive: true, force: true });
});

function runAtrAnalysis(atr: string): string {
  // A fresh cache directory per run: after a failed "update" ATR_analysis touches an empty
  // cache/smartcard_list.txt, which it would then prefer over the system list on every later run.
  const cache = mkdtempSync(join(scratch, 'cache-'));
  const output = execFileSync(requirePcscTools(), [atr], {
    encoding: 'utf8',
    env: { PATH: `${scratch}${delimiter}/usr/bin${delimiter}/bin`, HOME: scratch, XDG_CACHE_HOME: cache, LC_ALL: 'C' },
  });
  // Strip its ANSI colours.
  // eslint-disable-next-line no-control-regex
  return output.replace(/\x1b\[[0-9;]*m/g, '');
}

interface ReferenceByte {
  readonly position: 'ta' | 'tb' | 'tc' | 'td';
  readonly level: number;
  readonly byte: string;
  readonly text: string;
}

/** What ATR_analysis printed, in structured form. */
function readReference(output: string) {
  const lines = output.split('\n');
  const bytes: ReferenceByte[] = [];
  lines.forEach((line, i) => {
    const m = /^ {2}T([ABCD])\((\d+)\) = ([0-9A-F]{2}) --> (.*)$/.exec(line);
    if (m === null) return;
    // TA1's bit rates continue on the next line.
    const next = lines[i + 1] ?? '';
    const text = /^ {4}\S/.test(next) ? `${m[4]} ${next.trim()}` : (m[4] ?? '');
    bytes.push({
      position: `t${m[1]?.toLowerCase()}` as ReferenceByte['position'],
      level: Number(m[2]),
      byte: (m[3] ?? '').toLowerCase(),
      text,
    });
  });
  const protocols = [...output.matchAll(/Protocol T = (\d+)/g)].map((m) => Number(m[1]));
  const tck = /^\+ TCK = ([0-9A-F]{2}) (?:\(correct checksum\)|WRONG CHECKSUM, expected ([0-9A-F]{2}))/m.exec(output);
  const historical = /^\+ Historical bytes: ?(.*)$/m.exec(output)?.[1] ?? '';
  const category = /Category indicator byte: ([0-9A-F]{2})/.exec(output)?.[1] ?? null;
  const tags = [...output.matchAll(/^ {4}Tag: ([0-9A-F]), len: ([0-9A-F])/gm)].map((m) => ({
    tag: Number.parseInt(m[1] ?? '', 16),
    length: Number.parseInt(m[2] ?? '', 16),
  }));
  // Category 00 may carry a tag 8 object and the mandatory trailing status: the trailing one is
  // printed last and is the one ISO 7816-4 §8.1.1.3 makes authoritative.
  const lcs = [...output.matchAll(/LCS \(life card cycle\): ([0-9A-F]{2})/g)].at(-1)?.[1]?.toLowerCase() ?? null;
  const sw = [...output.matchAll(/^ {6}SW: ([0-9A-F]{4})/gm)].at(-1)?.[1]?.toLowerCase() ?? null;
  const names: string[] = [];
  // ATR_analysis stops before its database lookup when nothing follows the interface bytes.
  const looked = output.includes('Possibly identified card');
  if (looked && !output.includes('Your card is not present in the database')) {
    const start = lines.findIndex((line) => line.startsWith('Possibly identified card'));
    for (const line of lines.slice(start + 1)) if (line.startsWith('\t')) names.push(line.trim());
  }
  return {
    bytes,
    protocols,
    tck: tck === null ? null : { byte: (tck[1] ?? '').toLowerCase(), expected: tck[2]?.toLowerCase() ?? null },
    historical: historical.replace(/ /g, '').toLowerCase(),
    category: category?.toLowerCase() ?? null,
    tags,
    lcs,
    sw,
    looked,
    names,
  };
}

/**
 * ATR_analysis frames some compact-TLV objects wrongly, so its tag list derails after them:
 * tag 3 always consumes one byte, tags 7 and 8 consume nothing unless the length is 1..3, and
 * unassigned tags consume nothing when the length nibble is A..F (Perl compares "A" > 0 as false).
 * ISO 7816-4 §8.1.1.2 frames every object by its length nibble, as we do.
 */
function atrAnalysisMisframes({ tag, length }: { tag: number; length: number }): boolean {
  if (tag === 3) return length !== 1;
  if (tag === 7 || tag === 8) return length > 3;
  if (tag === 0 || (tag >= 9 && tag <= 14)) return length >= 10;
  return false;
}

/** Tags up to and including the first one ATR_analysis misframes: beyond it, it reads garbage. */
function comparableTags(tags: readonly { tag: number; length: number }[]): { tag: number; length: number }[] {
  const misframed = tags.findIndex(atrAnalysisMisframes);
  return misframed === -1 ? [...tags] : tags.slice(0, misframed + 1);
}

function myBytes(info: AtrInfo) {
  return info.levels.flatMap((level) =>
    (['ta', 'tb', 'tc', 'td'] as const).flatMap((position) => {
      const entry = level[position];
      if (entry === null) return [];
      const meaning: InterfaceByteMeaning | null = 'meaning' in entry ? entry.meaning : null;
      return [{ position, level: level.level, byte: entry.byte, meaning }];
    }),
  );
}

// What the corpus actually exercised, so a corpus edit cannot silently hollow out the comparison.
const comparedMeanings = new Set<string>();
let comparedNames = 0;

/** The interface-byte meanings ATR_analysis prints, checked against ours. */
function expectSameMeaning(meaning: InterfaceByteMeaning | null, ref: ReferenceByte, where: string): void {
  const text = ref.text;
  if (meaning !== null) comparedMeanings.add(meaning.kind);
  switch (meaning?.kind) {
    case 'fi-di': {
      const m = /^Fi=(\S+), Di=([^,\s]+)(?:, ([\d.]+) cycles\/ETU (\d+) bits\/s at 4 MHz, fMax for Fi = ([\d.]+) MHz => (\d+) bits\/s)?/.exec(text);
      expect(m, where).not.toBeNull();
      expect(m?.[1] === 'RFU' ? null : Number(m?.[1]), where).toBe(meaning.fi);
      expect(m?.[2] === 'RFU' ? null : Number(m?.[2]), where).toBe(meaning.di);
      if (m?.[3] !== undefined) {
        expect(Number(m[3]), where).toBeCloseTo(meaning.cyclesPerEtu ?? Number.NaN, 4);
        expect(Number(m[4]), where).toBe(meaning.bitRateAtDefaultClock);
        // It prints f(max) with %d: 7.5 MHz shows as 7.
        expect(Number(m[5]), where).toBe(Math.trunc(meaning.fMaxMHz ?? Number.NaN));
        expect(Number(m[6]), where).toBe(meaning.bitRateAtFMax);
      } else {
        expect(meaning.cyclesPerEtu, where).toBeNull();
      }
      return;
    }
    case 'vpp-deprecated':
      if (ref.level === 1) {
        if (meaning.connected) expect(text, where).toContain(`Programming Param P: ${meaning.pi} Volts`);
        else expect(text, where).toBe('VPP is not electrically connected');
      } else {
        expect(text, where).toContain(`PI2 (PI1 should be ignored): ${meaning.pi}`);
      }
      return;
    case 'extra-guard-time':
      expect(text, where).toContain(`Extra guard time: ${meaning.n}`);
      return;
    case 'specific-mode':
      expect(text, where).toContain(`Protocol to be used in spec mode: T=${meaning.protocol}`);
      expect(text, where).toContain(meaning.canChangeMode ? 'Capable to change' : 'Unable to change');
      expect(text, where).toContain(meaning.implicitParameters ? 'implicity defined' : 'defined by interface bytes');
      return;
    case 'work-waiting-integer':
      expect(text, where).toBe(`Work waiting time: 960 x ${meaning.wi} x (Fi/F)`);
      return;
    case 'ifsc':
      expect(text, where).toBe(`IFSC: ${meaning.ifsc}`);
      return;
    case 'bwi-cwi':
      expect(text, where).toBe(`Block Waiting Integer: ${meaning.bwi} - Character Waiting Integer: ${meaning.cwi}`);
      return;
    case 'error-detection-code':
      // ATR_analysis says RFU unless the byte is exactly 00 or 01; ISO 7816-3 §11.4.4 reads b1 only.
      if (text !== 'Error detection code: RFU') expect(text, where).toBe(`Error detection code: ${meaning.code.toUpperCase()}`);
      return;
    case 'clock-stop-class': {
      const clock = { 'not-supported': 'not supported', 'state-low': 'state L', 'state-high': 'state H', 'no-preference': 'no preference' };
      expect(text, where).toContain(`Clock stop: ${clock[meaning.clockStop]}`);
      for (const c of meaning.classes) expect(text, where).toContain(` ${c} `);
      return;
    }
    default:
      // td, spu and 'unspecified' bytes: ATR_analysis prints no meaning we could compare.
      return;
  }
}

describe('parseAtr agrees with ATR_analysis on real ATRs', () => {
  const matcher = createCardModelMatcher({ systemListPath: SYSTEM_LIST });

  it.each(CORPUS)('$label: $atr', ({ atr }) => {
    const info = parseAtr(atr);
    const output = runAtrAnalysis(atr);
    const ref = readReference(output);

    // Convention.
    expect(output).toContain(info.ts.convention === 'direct' ? 'Direct Convention' : 'Inverse Convention');

    // Every interface byte at the same level and position, with the same meaning.
    const mine = myBytes(info);
    expect(mine.map(({ position, level, byte }) => ({ position, level, byte }))).toEqual(
      ref.bytes.map(({ position, level, byte }) => ({ position, level, byte })),
    );
    mine.forEach((byte, i) => {
      const reference = ref.bytes[i];
      if (reference !== undefined) expectSameMeaning(byte.meaning, reference, `${byte.position}${byte.level}`);
    });

    // Protocols: ATR_analysis lists every TD's T; T=15 is not a protocol and no TD means T=0.
    const refProtocols = [...new Set(ref.protocols.filter((t) => t !== 15))];
    expect(info.protocols).toEqual(refProtocols.length > 0 ? refProtocols : [0]);

    // TCK: ATR_analysis decides presence by length alone, as we do; its "expected" is the right TCK.
    if (ref.tck === null) expect(info.tck.present).toBe(false);
    else {
      expect(info.tck).toMatchObject({ present: true, byte: ref.tck.byte, valid: ref.tck.expected === null });
      if (ref.tck.expected !== null) expect(info.tck.expected).toBe(ref.tck.expected);
    }

    // Historical bytes and their category.
    expect(info.historical.bytes).toBe(ref.historical);
    expect(info.historical.category).toBe(ref.category);
    const content = info.historical.content;
    if (content.format === 'compact-tlv') {
      const objects = content.objects.map(({ tag, value }) => ({ tag, length: value.length / 2 }));
      expect(comparableTags(objects)).toEqual(comparableTags(ref.tags));
      expect(content.status?.lcs ?? null).toBe(ref.lcs);
      expect(content.status?.sw ?? null).toBe(ref.sw);
    } else if (content.format === 'pcsc-storage-card') {
      // Known disagreement: ATR_analysis reads "4F" as compact-TLV tag 4 with 15 bytes although only
      // 13 follow. PC/SC part 3 defines 4F 0C as the BER-TLV AID tag with a 12-byte value.
      expect(ref.tags).toEqual([{ tag: 4, length: 15 }]);
    }

    // Names: where our match comes from the system list it must be what ATR_analysis prints first.
    const model = matcher.match(atr);
    if (!ref.looked) return;
    if (ref.names.length === 0) expect(model?.source ?? null).not.toBe('system');
    else {
      expect(model).not.toBeNull();
      if (model?.source === 'system') {
        expect(model.name).toBe(ref.names[0]);
        comparedNames += 1;
      }
    }
  });

  it.each(MALFORMED)('rejects what ATR_analysis flags as malformed: $label', ({ atr }) => {
    expect(runAtrAnalysis(atr)).toMatch(/ERROR! ATR is (truncated|too long)/);
    expect(() => parseAtr(atr)).toThrow(expect.objectContaining({ code: 'ATR_INVALID' }));
  });

  it('the corpus is large and varied enough to mean something', () => {
    expect(MALFORMED.length).toBeGreaterThanOrEqual(3);
    const infos = CORPUS.map(({ atr }) => parseAtr(atr));
    expect(infos.length).toBeGreaterThanOrEqual(30);
    expect(infos.some((i) => i.ts.convention === 'inverse')).toBe(true);
    expect(infos.some((i) => i.tck.present && !i.tck.valid)).toBe(true);
    expect(infos.some((i) => i.protocols.length === 1 && i.protocols[0] === 0)).toBe(true);
    expect(infos.some((i) => i.protocols.includes(1))).toBe(true);
    expect(infos.some((i) => i.contactless?.kind === 'storage-card')).toBe(true);
    expect(infos.some((i) => i.contactless?.kind === 'iso14443-4')).toBe(true);
    expect([...comparedMeanings]).toEqual(
      expect.arrayContaining([
        'bwi-cwi',
        'clock-stop-class',
        'error-detection-code',
        'extra-guard-time',
        'fi-di',
        'ifsc',
        'specific-mode',
        'vpp-deprecated',
        'work-waiting-integer',
      ]),
    );
    expect(comparedNames).toBeGreaterThanOrEqual(10);
  });
});
