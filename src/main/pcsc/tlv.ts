import { COMPACT_TLV_TAG_NAMES, type CompactTlvObject } from '../../shared/atr-info';
import { StationError } from '../../shared/errors';
import { bytesToHex } from '../../shared/hex';

/**
 * TLV decoders for card data: BER-TLV (ISO/IEC 8825-1 as profiled by ISO 7816-4 §5.2) and
 * compact-TLV (ISO 7816-4 §8.1.1.2, historical bytes). Tags and values come back as lowercase hex
 * so results can cross process boundaries as they are. Any truncation or overflow is TLV_INVALID.
 */

/** A BER-TLV data object whose tag says primitive (b6 of the first tag byte is 0). */
export interface BerTlvPrimitive {
  readonly tag: string;
  readonly constructed: false;
  readonly value: string;
}

/** A BER-TLV data object whose tag says constructed: its value is itself a list of objects. */
export interface BerTlvConstructed {
  readonly tag: string;
  readonly constructed: true;
  readonly value: string;
  readonly children: readonly BerTlvNode[];
}

export type BerTlvNode = BerTlvPrimitive | BerTlvConstructed;

/** One object of a flat parse: the tag's constructed bit is not interpreted. */
export interface FlatTlvNode {
  readonly tag: string;
  readonly value: string;
}

/** Anything findTag can walk: flat nodes, or tree nodes with children. */
interface TaggedNode {
  readonly tag: string;
  readonly children?: readonly TaggedNode[];
}

// Four tag bytes cover every tag ISO 7816 and PIV define; four length bytes cover any APDU
// response. Longer fields can only come from garbage, so they are refused rather than computed.
const MAX_TAG_BYTES = 4;
const MAX_LENGTH_BYTES = 4;
// Nesting is bounded by the input size anyway; this just keeps hostile input off the call stack.
const MAX_DEPTH = 32;

function invalid(message: string, offset: number): StationError {
  return new StationError('TLV_INVALID', message, { offset });
}

interface Header {
  readonly tag: Uint8Array;
  readonly constructed: boolean;
  readonly valueStart: number;
  readonly valueEnd: number;
}

/** Reads one tag + length at `offset` (absolute offsets reported in errors via `base`). */
function readHeader(data: Uint8Array, offset: number, base: number): Header {
  const first = data[offset];
  if (first === undefined) throw invalid('BER-TLV tag is missing.', base + offset);
  let pos = offset + 1;
  // Low five bits all set: the tag number continues in following bytes while b8 is 1.
  if ((first & 0x1f) === 0x1f) {
    for (;;) {
      const next = data[pos];
      if (next === undefined) throw invalid('BER-TLV tag is truncated.', base + pos);
      pos += 1;
      if (pos - offset > MAX_TAG_BYTES) throw invalid('BER-TLV tag is longer than 4 bytes.', base + offset);
      if ((next & 0x80) === 0) break;
    }
  }
  const tag = data.subarray(offset, pos);

  const lengthByte = data[pos];
  if (lengthByte === undefined) throw invalid('BER-TLV length is missing.', base + pos);
  pos += 1;
  let length = lengthByte;
  if (lengthByte === 0x80) {
    // Indefinite length is BER but not allowed by ISO 7816-4 (and would make "truncated" undecidable).
    throw invalid('BER-TLV indefinite length is not allowed.', base + pos - 1);
  }
  if (lengthByte > 0x80) {
    const count = lengthByte & 0x7f;
    if (count > MAX_LENGTH_BYTES) throw invalid('BER-TLV length field is too long.', base + pos - 1);
    length = 0;
    for (let i = 0; i < count; i += 1) {
      const b = data[pos];
      if (b === undefined) throw invalid('BER-TLV length is truncated.', base + pos);
      length = length * 256 + b;
      pos += 1;
    }
  }
  if (length > data.length - pos) {
    throw invalid(`BER-TLV value overflows the data (${length} bytes announced).`, base + pos);
  }
  return { tag, constructed: (first & 0x20) !== 0, valueStart: pos, valueEnd: pos + length };
}

/**
 * ISO 7816-4 §5.2.2.1: '00' and 'FF' may appear before, between or after BER-TLV objects as
 * padding; they are never a tag's first byte there.
 */
function isPadding(byte: number): boolean {
  return byte === 0x00 || byte === 0xff;
}

function parseLevel(data: Uint8Array, base: number, depth: number): BerTlvNode[] {
  if (depth > MAX_DEPTH) throw invalid('BER-TLV nesting is too deep.', base);
  const nodes: BerTlvNode[] = [];
  let offset = 0;
  while (offset < data.length) {
    if (isPadding(data[offset] ?? 0)) {
      offset += 1;
      continue;
    }
    const header = readHeader(data, offset, base);
    const valueBytes = data.subarray(header.valueStart, header.valueEnd);
    const tag = bytesToHex(header.tag);
    const value = bytesToHex(valueBytes);
    nodes.push(
      header.constructed
        ? { tag, constructed: true, value, children: parseLevel(valueBytes, base + header.valueStart, depth + 1) }
        : { tag, constructed: false, value },
    );
    offset = header.valueEnd;
  }
  return nodes;
}

/** Parses BER-TLV into a tree: constructed objects are decoded recursively. */
export function parseBerTlv(data: Uint8Array): BerTlvNode[] {
  return parseLevel(data, 0, 0);
}

/**
 * Parses one level of BER-TLV without interpreting the constructed bit. PIV containers
 * (SP 800-73-4 part 1 §3) use BER tag/length encoding but tags like 30 (FASC-N) and 34 (GUID) have
 * b6 set while holding plain bytes: a tree parse would wrongly try to decode them.
 */
export function parseBerTlvFlat(data: Uint8Array): FlatTlvNode[] {
  const nodes: FlatTlvNode[] = [];
  let offset = 0;
  while (offset < data.length) {
    if (isPadding(data[offset] ?? 0)) {
      offset += 1;
      continue;
    }
    const header = readHeader(data, offset, 0);
    nodes.push({ tag: bytesToHex(header.tag), value: bytesToHex(data.subarray(header.valueStart, header.valueEnd)) });
    offset = header.valueEnd;
  }
  return nodes;
}

/**
 * Depth-first search for the first object with `tag` (hex, any case, e.g. '53' or '5FC102').
 * Works on tree and flat results alike.
 */
export function findTag<N extends TaggedNode>(nodes: readonly N[], tag: string): N | null {
  const wanted = tag.toLowerCase();
  for (const node of nodes) {
    if (node.tag === wanted) return node;
    if (node.children !== undefined) {
      // Children of a node are the same node type as their parent in every result we produce.
      const found = findTag(node.children as readonly N[], wanted);
      if (found !== null) return found;
    }
  }
  return null;
}

/**
 * Parses compact-TLV: each object is one byte (tag in the high nibble, length in the low one)
 * followed by `length` value bytes.
 */
export function parseCompactTlv(data: Uint8Array): CompactTlvObject[] {
  const objects: CompactTlvObject[] = [];
  let offset = 0;
  while (offset < data.length) {
    const header = data[offset] ?? 0;
    const tag = header >> 4;
    const length = header & 0x0f;
    const start = offset + 1;
    if (start + length > data.length) {
      throw invalid(`Compact-TLV object ${tag.toString(16)} announces ${length} bytes past the end.`, offset);
    }
    objects.push({ tag, name: COMPACT_TLV_TAG_NAMES[tag] ?? null, value: bytesToHex(data.subarray(start, start + length)) });
    offset = start + length;
  }
  return objects;
}
