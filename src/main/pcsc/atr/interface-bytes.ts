import type { AtrLevel, InterfaceByte, InterfaceByteMeaning } from '../../../shared/atr-info';
import { byteHex } from './hex';
import type { RawLevel } from './structure';
import { decodeFiDi } from './transmission';

type Position = 'ta' | 'tb' | 'tc';

const CLOCK_STOP = ['not-supported', 'state-low', 'state-high', 'no-preference'] as const;

function decodeGlobalLevel1(position: Position, byte: number): InterfaceByteMeaning {
  switch (position) {
    case 'ta':
      return decodeFiDi(byte);
    case 'tb':
      // b5..b1 = PI1 (0: Vpp not connected), b7..b6 = II.
      return { kind: 'vpp-deprecated', connected: (byte & 0x1f) !== 0, pi: byte & 0x1f, ii: (byte >> 5) & 0x03 };
    case 'tc':
      return { kind: 'extra-guard-time', n: byte, minimum: byte === 0xff };
  }
}

function decodeLevel2(position: Position, byte: number, qualifiedBy: number | null): InterfaceByteMeaning {
  switch (position) {
    case 'ta':
      return {
        kind: 'specific-mode',
        protocol: byte & 0x0f,
        canChangeMode: (byte & 0x80) === 0,
        implicitParameters: (byte & 0x10) !== 0,
      };
    case 'tb':
      return { kind: 'vpp-deprecated', connected: byte !== 0, pi: byte, ii: null };
    case 'tc':
      // TC2 is defined for T=0 only (ISO 7816-3 §10.2).
      return qualifiedBy === 0 ? { kind: 'work-waiting-integer', wi: byte } : { kind: 'unspecified' };
  }
}

/** Level i > 2: only the first TA/TB/TC after a given T has an ISO meaning (§8.3, §11.4). */
function decodeSpecific(position: Position, byte: number, protocol: number | null): InterfaceByteMeaning {
  if (protocol === 1) {
    switch (position) {
      case 'ta':
        return { kind: 'ifsc', ifsc: byte, valid: byte !== 0x00 && byte !== 0xff };
      case 'tb':
        return { kind: 'bwi-cwi', bwi: byte >> 4, cwi: byte & 0x0f };
      case 'tc':
        return { kind: 'error-detection-code', code: byte & 0x01 ? 'crc' : 'lrc' };
    }
  }
  if (protocol === 15) {
    switch (position) {
      case 'ta': {
        const classes = (['A', 'B', 'C'] as const).filter((_, bit) => (byte >> bit) & 1);
        return { kind: 'clock-stop-class', clockStop: CLOCK_STOP[byte >> 6] ?? 'not-supported', classes };
      }
      case 'tb':
        return { kind: 'spu', use: byte === 0 ? 'not-used' : byte & 0x80 ? 'proprietary' : 'standard' };
      case 'tc':
        return { kind: 'unspecified' };
    }
  }
  return { kind: 'unspecified' };
}

/** Attaches ISO 7816-3 meanings to every interface byte, level by level. */
export function describeLevels(levels: readonly RawLevel[]): AtrLevel[] {
  const seen = new Set<string>();
  return levels.map((raw) => {
    const describe = (position: Position, byte: number | null): InterfaceByte | null => {
      if (byte === null) return null;
      let meaning: InterfaceByteMeaning;
      if (raw.level === 1) meaning = decodeGlobalLevel1(position, byte);
      else if (raw.level === 2) meaning = decodeLevel2(position, byte, raw.qualifiedBy);
      else {
        const key = `${raw.qualifiedBy}:${position}`;
        meaning = seen.has(key) ? { kind: 'unspecified' } : decodeSpecific(position, byte, raw.qualifiedBy);
        seen.add(key);
      }
      return { byte: byteHex(byte), meaning };
    };
    return {
      level: raw.level,
      qualifiedBy: raw.qualifiedBy,
      ta: describe('ta', raw.ta),
      tb: describe('tb', raw.tb),
      tc: describe('tc', raw.tc),
      td: raw.td === null ? null : { byte: byteHex(raw.td), protocol: raw.td & 0x0f },
    };
  });
}

/**
 * Offered protocols in TD order (ISO 7816-3 §8.2.3): T=15 only qualifies global bytes, and without
 * any protocol-naming TD the card offers T=0 alone.
 */
export function offeredProtocols(levels: readonly RawLevel[]): number[] {
  const protocols: number[] = [];
  for (const { td } of levels) {
    if (td === null) continue;
    const t = td & 0x0f;
    if (t !== 15 && !protocols.includes(t)) protocols.push(t);
  }
  return protocols.length > 0 ? protocols : [0];
}

/** ISO 7816-3 §8.2.5: TCK is absent only when T=0 is the sole T indicated (T=15 counts). */
export function tckRequired(levels: readonly RawLevel[]): boolean {
  return levels.some(({ td }) => td !== null && (td & 0x0f) !== 0);
}
