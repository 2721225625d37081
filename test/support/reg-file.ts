import type { RegistryAccess, RegistryValue } from '../../src/main/config';

/**
 * Reads a registry export (`reg export` / regedit's .reg format: UTF-16 LE with a BOM, CRLF) into
 * a RegistryAccess, so the Windows policy reader is tested with the bytes an administrator's
 * machine records. Handles the value types policy uses: "string" (REG_SZ), dword: (REG_DWORD),
 * hex(7): (REG_MULTI_SZ) and hex(2): (REG_EXPAND_SZ).
 */
export function registryFromRegFile(bytes: Buffer): RegistryAccess {
  const text = bytes[0] === 0xff && bytes[1] === 0xfe ? bytes.subarray(2).toString('utf16le') : bytes.toString('utf8');
  const keys = new Map<string, RegistryValue[]>();
  let current: RegistryValue[] | null = null;
  // Continuation lines (a trailing backslash) belong to the value before them.
  const lines = text.replace(/\\\r?\n\s*/g, '').split(/\r?\n/);
  for (const line of lines) {
    const key = /^\[HKEY_LOCAL_MACHINE\\(.+)\]$/.exec(line);
    if (key) {
      current = [];
      keys.set(key[1]!.toLowerCase(), current);
      continue;
    }
    const value = /^"((?:[^"\\]|\\.)*)"=(.*)$/.exec(line);
    if (!value || !current) continue;
    const name = unescape(value[1]!);
    const raw = value[2]!;
    if (raw.startsWith('"')) current.push({ name, type: 'REG_SZ', data: unescape(raw.slice(1, -1)) });
    else if (raw.startsWith('dword:')) current.push({ name, type: 'REG_DWORD', data: Number.parseInt(raw.slice(6), 16) });
    else if (raw.startsWith('hex(7):')) current.push({ name, type: 'REG_MULTI_SZ', data: utf16(raw.slice(7)).split('\0').filter((s, i, all) => !(s === '' && i >= all.length - 2)) });
    else if (raw.startsWith('hex(2):')) current.push({ name, type: 'REG_EXPAND_SZ', data: utf16(raw.slice(7)).replace(/\0+$/, '') });
    else throw new Error(`reg-file: value type not handled in ${line}`);
  }
  return { readValues: (path) => keys.get(path.toLowerCase()) ?? null };
}

function unescape(s: string): string {
  return s.replace(/\\(.)/g, '$1');
}

function utf16(hex: string): string {
  return Buffer.from(hex.split(',').map((h) => Number.parseInt(h, 16))).toString('utf16le');
}
