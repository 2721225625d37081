/** An ATR pattern compiled to value + mask bytes: `..` in the pattern is a byte that may vary. */
export interface AtrMaskPattern {
  readonly value: Uint8Array;
  readonly mask: Uint8Array;
}

export function compileAtrPattern(pattern: string): AtrMaskPattern {
  const tokens = pattern.trim().split(/\s+/);
  const value = new Uint8Array(tokens.length);
  const mask = new Uint8Array(tokens.length);
  tokens.forEach((token, i) => {
    if (token === '..') return;
    if (!/^[0-9a-fA-F]{2}$/.test(token)) throw new Error(`Bad ATR pattern byte "${token}" in "${pattern}"`);
    value[i] = Number.parseInt(token, 16);
    mask[i] = 0xff;
  });
  return { value, mask };
}

export function matchesAtrPattern(atr: Uint8Array, { value, mask }: AtrMaskPattern): boolean {
  if (atr.length !== value.length) return false;
  return atr.every((byte, i) => (byte & (mask[i] ?? 0)) === (value[i] ?? 0));
}
