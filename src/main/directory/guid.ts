import { type Guid, normalizeGuid } from '../../shared/cm';
import { bytesToHex, hexToBytes } from '../../shared/hex';

/**
 * Active Directory's objectGUID is 16 bytes in the order .NET's `new Guid(byte[])` reads them:
 * the first three fields little-endian (Data1: 4 bytes, Data2: 2, Data3: 2), the last 8 bytes as
 * they are. So bytes 00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff are the GUID
 * 33221100-5544-7766-8899-aabbccddeeff: the string CM writes in TargetUserUuid.
 */
export function guidFromObjectGuid(bytes: Uint8Array): Guid {
  if (bytes.length !== 16) throw new Error(`objectGUID must be 16 bytes, got ${bytes.length}`);
  const hex = (from: number, to: number, reverse: boolean) => {
    const slice = bytes.slice(from, to);
    if (reverse) slice.reverse();
    return bytesToHex(slice);
  };
  return `${hex(0, 4, true)}-${hex(4, 6, true)}-${hex(6, 8, true)}-${hex(8, 10, false)}-${hex(10, 16, false)}`;
}

export function objectGuidFromGuid(guid: string): Uint8Array {
  const normal = normalizeGuid(guid);
  if (!normal) throw new Error(`not a GUID: ${guid}`);
  const hex = normal.replace(/-/g, '');
  const raw = hexToBytes(hex);
  const out = new Uint8Array(16);
  out.set(raw.subarray(0, 4).reverse(), 0);
  out.set(raw.subarray(4, 6).reverse(), 4);
  out.set(raw.subarray(6, 8).reverse(), 6);
  out.set(raw.subarray(8), 8);
  return out;
}
