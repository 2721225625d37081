import type { z } from 'zod';
import type { HistoricalBytes, HistoricalContent, lifeCycleSchema, StatusIndicator } from '../../../shared/atr-info';
import { StationError } from '../../../shared/errors';
import { parseCompactTlv } from '../tlv';
import { byteHex, bytesHex, hexToBytes } from './hex';

type LifeCycle = z.infer<typeof lifeCycleSchema>;

/** ISO 7816-4 table 13: the life cycle status byte. */
function lifeCycle(lcs: number): LifeCycle {
  if (lcs >= 0x10) return 'proprietary';
  if (lcs === 0x00) return 'no-information';
  if (lcs === 0x01) return 'creation';
  if (lcs === 0x03) return 'initialisation';
  if (lcs >= 0x0c) return 'termination';
  if (lcs >= 0x04 && lcs <= 0x07) return lcs & 0x01 ? 'operational-activated' : 'operational-deactivated';
  return 'rfu';
}

function status(lcs: number | null, sw: Uint8Array | null): StatusIndicator {
  return {
    lcs: lcs === null ? null : byteHex(lcs),
    lifeCycle: lcs === null ? null : lifeCycle(lcs),
    sw: sw === null ? null : bytesHex(sw),
  };
}

/** Tag 8 in category 80: one byte LCS, two bytes SW1-SW2, or three bytes LCS + SW1-SW2. */
function statusFromObject(value: Uint8Array): StatusIndicator | null {
  switch (value.length) {
    case 1:
      return status(value[0] ?? 0, null);
    case 2:
      return status(null, value);
    case 3:
      return status(value[0] ?? 0, value.subarray(1));
    default:
      return null;
  }
}

function compactTlv(body: Uint8Array, trailingStatus: boolean): HistoricalContent {
  try {
    if (trailingStatus) {
      // Category 00: the last three bytes are the mandatory status indicator, not TLV.
      if (body.length < 3) return { format: 'compact-tlv-malformed', reason: 'status indicator missing' };
      const objects = parseCompactTlv(body.subarray(0, body.length - 3));
      return { format: 'compact-tlv', objects, status: status(body[body.length - 3] ?? 0, body.subarray(-2)) };
    }
    const objects = parseCompactTlv(body);
    const statusObject = objects.find((o) => o.tag === 8);
    const statusValue = statusObject === undefined ? null : hexToBytes(statusObject.value);
    return { format: 'compact-tlv', objects, status: statusValue === null ? null : statusFromObject(statusValue) };
  } catch (err) {
    // Real cards ship slightly wrong historical bytes; that is worth showing, not failing the ATR.
    if (err instanceof StationError) return { format: 'compact-tlv-malformed', reason: err.message };
    throw err;
  }
}

/** Splits the historical bytes by their category indicator (ISO 7816-4 §8.1.1). */
export function describeHistorical(bytes: Uint8Array, storageCard: boolean): HistoricalBytes {
  const category = bytes[0];
  const hex = bytesHex(bytes);
  if (category === undefined) return { bytes: hex, category: null, content: { format: 'none' } };
  const body = bytes.subarray(1);
  let content: HistoricalContent;
  if (storageCard) content = { format: 'pcsc-storage-card' };
  else if (category === 0x00) content = compactTlv(body, true);
  else if (category === 0x80) content = compactTlv(body, false);
  else if (category === 0x10) {
    content = { format: 'dir-data-reference', reference: body[0] === undefined ? null : byteHex(body[0]) };
  } else if (category >= 0x81 && category <= 0x8f) content = { format: 'rfu' };
  else content = { format: 'proprietary' };
  return { bytes: hex, category: byteHex(category), content };
}
