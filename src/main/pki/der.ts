// A minimal strict DER reader and writer for the few structures @peculiar's schemas do not cover
// (CMC's PKIResponse) and for re-wrapping encodings (SET OF, definite lengths). Anything that is not
// definite-length DER within bounds is refused with the caller's error.

export interface DerNode {
  /** The identifier octet (single-byte tags only: every structure read here uses them). */
  readonly tag: number;
  readonly value: Buffer;
  /** The whole encoding, tag and length included. */
  readonly raw: Buffer;
}

const MAX_DEPTH = 16;

/** Reads the one element at the start of `data`; `rest` is what follows it. Throws Error on bad input. */
function readElement(data: Buffer): { node: DerNode; rest: Buffer } {
  if (data.length < 2) throw new Error('DER element truncated');
  const tag = data[0] ?? 0;
  if ((tag & 0x1f) === 0x1f) throw new Error('multi-byte DER tags are not expected here');
  const first = data[1] ?? 0;
  let offset = 2;
  let length = first;
  if (first === 0x80) throw new Error('indefinite length is not DER');
  if (first > 0x80) {
    const count = first & 0x7f;
    if (count > 4) throw new Error('DER length too long');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (data[offset + i] ?? 0);
    offset += count;
    if (offset > data.length) throw new Error('DER length truncated');
  }
  if (length > data.length - offset) throw new Error('DER value overflows');
  const end = offset + length;
  return { node: { tag, value: data.subarray(offset, end), raw: data.subarray(0, end) }, rest: data.subarray(end) };
}

/** All elements of a constructed value, in order. */
export function readChildren(value: Buffer, depth = 0): DerNode[] {
  if (depth > MAX_DEPTH) throw new Error('DER nesting too deep');
  const nodes: DerNode[] = [];
  let rest = value;
  while (rest.length > 0) {
    const next = readElement(rest);
    nodes.push(next.node);
    rest = next.rest;
  }
  return nodes;
}

/** Exactly one element filling `data`. */
export function readSingle(data: Buffer, expectedTag: number): DerNode {
  const { node, rest } = readElement(data);
  if (rest.length > 0) throw new Error('bytes after the DER element');
  if (node.tag !== expectedTag) throw new Error(`DER tag ${node.tag.toString(16)} where ${expectedTag.toString(16)} was expected`);
  return node;
}

export function encodeElement(tag: number, value: Buffer): Buffer {
  const length = value.length;
  const lengthBytes: number[] = [];
  if (length < 0x80) lengthBytes.push(length);
  else {
    const bytes: number[] = [];
    for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest & 0xff);
    lengthBytes.push(0x80 | bytes.length, ...bytes);
  }
  return Buffer.concat([Buffer.from([tag, ...lengthBytes]), value]);
}

/** A DER INTEGER's value as a number (small integers only: CMC statuses and body part ids). */
export function smallInteger(node: DerNode): number {
  if (node.tag !== 0x02 || node.value.length === 0 || node.value.length > 4) throw new Error('not a small INTEGER');
  return node.value.readIntBE(0, node.value.length);
}

/** A DER OBJECT IDENTIFIER as dotted text. */
export function objectIdentifier(node: DerNode): string {
  if (node.tag !== 0x06 || node.value.length === 0) throw new Error('not an OBJECT IDENTIFIER');
  const arcs: number[] = [];
  let current = 0;
  for (const byte of node.value) {
    current = current * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) {
      arcs.push(current);
      current = 0;
    }
  }
  const [first = 0, ...rest] = arcs;
  const head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80];
  return [...head, ...rest].join('.');
}
