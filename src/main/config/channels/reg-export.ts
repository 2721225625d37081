/** One registry value as `reg.exe` exports it (the type kept as written). */
export type RegistryValue =
  | { name: string; type: 'REG_SZ'; data: string }
  | { name: string; type: 'REG_DWORD'; data: number }
  | { name: string; type: 'REG_MULTI_SZ'; data: string[] }
  | { name: string; type: Exclude<string, 'REG_SZ' | 'REG_DWORD' | 'REG_MULTI_SZ'>; data: unknown };

/**
 * A registry export as `reg.exe export` writes it (regedit's format 5.00: UTF-16 LE with a BOM,
 * CRLF, long values continued with a trailing backslash), read into values per key. Every value
 * keeps the type it has in the registry, so the policy reader can refuse a wrong one by name:
 * "text" REG_SZ, dword: REG_DWORD, hex(b): REG_QWORD, hex(7): REG_MULTI_SZ, hex(2): REG_EXPAND_SZ,
 * hex: REG_BINARY, hex(0): REG_NONE, any other hex(n) named by its number.
 * Key paths are returned without the hive, lower-cased (the registry ignores case).
 */
export interface RegExport {
  /** `SOFTWARE\Policies\EnrollmentStation` → its values. */
  keys: Map<string, RegistryValue[]>;
}

const TYPE_NAMES: Record<number, string> = {
  0: 'REG_NONE',
  1: 'REG_SZ',
  2: 'REG_EXPAND_SZ',
  3: 'REG_BINARY',
  4: 'REG_DWORD',
  5: 'REG_DWORD_BIG_ENDIAN',
  6: 'REG_LINK',
  7: 'REG_MULTI_SZ',
  8: 'REG_RESOURCE_LIST',
  9: 'REG_FULL_RESOURCE_DESCRIPTOR',
  10: 'REG_RESOURCE_REQUIREMENTS_LIST',
  11: 'REG_QWORD',
};

export function parseRegExport(bytes: Buffer): RegExport {
  const text = bytes[0] === 0xff && bytes[1] === 0xfe ? bytes.subarray(2).toString('utf16le') : bytes.toString('utf8').replace(/^\uFEFF/, '');
  const lines = text.replace(/\\\r?\n\s*/g, '').split(/\r?\n/);
  if (!/^(Windows Registry Editor Version 5\.00|REGEDIT4)$/.test(lines[0]?.trim() ?? '')) {
    throw new Error('not a registry export (no "Windows Registry Editor" header)');
  }
  const keys = new Map<string, RegistryValue[]>();
  let current: RegistryValue[] | null = null;
  for (const line of lines.slice(1)) {
    if (line.trim() === '') continue;
    const key = /^\[HKEY_[A-Z_]+\\(.+)\]$/.exec(line);
    if (key) {
      current = [];
      keys.set(key[1]!.toLowerCase(), current);
      continue;
    }
    const value = /^(?:"((?:[^"\\]|\\.)*)"|@)=(.*)$/.exec(line);
    if (!value || !current) throw new Error(`unreadable line in the registry export: ${line.slice(0, 80)}`);
    current.push(valueOf(value[1] === undefined ? '' : unescape(value[1]), value[2]!));
  }
  return { keys };
}

function valueOf(name: string, raw: string): RegistryValue {
  if (raw.startsWith('"') && raw.endsWith('"')) return { name, type: 'REG_SZ', data: unescape(raw.slice(1, -1)) };
  if (raw.startsWith('dword:')) return { name, type: 'REG_DWORD', data: Number.parseInt(raw.slice(6), 16) };
  const hex = /^hex(?:\(([0-9a-f]+)\))?:(.*)$/i.exec(raw);
  if (!hex) throw new Error(`unreadable value ${name} in the registry export`);
  const type = hex[1] === undefined ? 3 : Number.parseInt(hex[1], 16);
  const data = Buffer.from(hex[2]! === '' ? [] : hex[2]!.split(',').map((h) => Number.parseInt(h, 16)));
  switch (type) {
    case 7:
      return { name, type: 'REG_MULTI_SZ', data: multiString(data) };
    case 2:
      return { name, type: 'REG_EXPAND_SZ', data: data.toString('utf16le').replace(/\0+$/, '') };
    case 11:
      return { name, type: 'REG_QWORD', data: data.length === 8 ? Number(data.readBigUInt64LE()) : Number.NaN };
    case 4:
      return { name, type: 'REG_DWORD', data: data.length === 4 ? data.readUInt32LE() : Number.NaN };
    default:
      return { name, type: TYPE_NAMES[type] ?? `REG_TYPE_${type}`, data };
  }
}

/** REG_MULTI_SZ: UTF-16 strings each ended by NUL, the list ended by one more NUL. */
function multiString(data: Buffer): string[] {
  const parts = data.toString('utf16le').split('\0');
  // "a\0b\0\0" splits into a, b, '', '': drop the terminators only, keep an empty string inside.
  while (parts.length > 0 && parts.at(-1) === '') parts.pop();
  return parts;
}

function unescape(s: string): string {
  return s.replace(/\\(.)/g, '$1');
}
