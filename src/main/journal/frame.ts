import { crc32 } from './crc32';

/**
 * One journal record on disk:
 *
 *   offset 0  u32 LE  payload length L (1 ..= MAX_PAYLOAD_BYTES)
 *   offset 4  u32 LE  ~L (bitwise complement): guards the length itself, so a flipped bit in a length
 *                     field in the middle of the file is reported as corruption instead of being
 *                     mistaken for a record that runs past the end (a torn tail)
 *   offset 8  u32 LE  CRC-32 of the payload
 *   offset 12 L bytes payload: UTF-8 JSON
 *
 * A zero-filled region never parses as a frame, because a zero length is refused: zeros to the end
 * of the file are where the records end. They are the space the journal writes ahead of its next
 * records (journal.ts RESERVE_BYTES), or what some file systems leave after a power cut.
 */
export const FRAME_HEADER_BYTES = 12;
export const MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;

export function encodeFrame(payload: Buffer): Buffer {
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
  payload.copy(frame, FRAME_HEADER_BYTES);
  return withHeader(frame, payload.length);
}

/** The same frame for a UTF-8 text (a record's JSON), encoded straight into it: one buffer, no copy. */
export function encodeTextFrame(text: string): Buffer {
  const length = Buffer.byteLength(text, 'utf8');
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + length);
  frame.write(text, FRAME_HEADER_BYTES, 'utf8');
  return withHeader(frame, length);
}

function withHeader(frame: Buffer, length: number): Buffer {
  frame.writeUInt32LE(length, 0);
  frame.writeUInt32LE(~length >>> 0, 4);
  frame.writeUInt32LE(crc32(frame.subarray(FRAME_HEADER_BYTES)), 8);
  return frame;
}

/** What lies at one offset of a journal file. */
export type FrameRead =
  | { kind: 'frame'; payload: Buffer; next: number }
  | { kind: 'end' }
  /** An unfinished write at the very end: safe to cut off, it was never acknowledged. */
  | { kind: 'torn'; reason: string }
  /** Damage that a crash cannot explain: data after it would be lost by cutting, so stop. */
  | { kind: 'corrupt'; reason: string };

function allZero(buf: Buffer, from: number): boolean {
  for (let i = from; i < buf.length; i++) if (buf[i] !== 0) return false;
  return true;
}

export function readFrame(buf: Buffer, offset: number): FrameRead {
  const remaining = buf.length - offset;
  // A valid header's length is not zero, so this stops within a frame's first four bytes.
  if (remaining === 0 || allZero(buf, offset)) return { kind: 'end' };
  if (remaining < FRAME_HEADER_BYTES) return { kind: 'torn', reason: `${remaining} bytes of a frame header` };

  const length = buf.readUInt32LE(offset);
  const check = buf.readUInt32LE(offset + 4);
  if (length === 0 || length > MAX_PAYLOAD_BYTES || ~length >>> 0 !== check) {
    // Part of a header written into the zeros ahead (a crash mid-append), or damage before more data.
    return allZero(buf, offset + FRAME_HEADER_BYTES)
      ? { kind: 'torn', reason: 'an unfinished frame header after the last record' }
      : { kind: 'corrupt', reason: 'invalid frame header' };
  }

  const end = offset + FRAME_HEADER_BYTES + length;
  if (end > buf.length) {
    return { kind: 'torn', reason: `record of ${length} bytes cut off after ${remaining - FRAME_HEADER_BYTES}` };
  }
  const payload = buf.subarray(offset + FRAME_HEADER_BYTES, end);
  if (crc32(payload) !== buf.readUInt32LE(offset + 8)) {
    // The last record's pages may not all have reached the disk before a crash; the same damage
    // with records after it cannot come from an unfinished append.
    return allZero(buf, end) ? { kind: 'torn', reason: 'checksum mismatch in the last record' } : { kind: 'corrupt', reason: 'checksum mismatch' };
  }
  return { kind: 'frame', payload, next: end };
}
