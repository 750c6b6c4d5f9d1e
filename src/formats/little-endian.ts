// Range checks and little-endian encoding for the fixed-width fields of hex1, hex2 and M0.

export interface FieldRange {
  readonly min: number;
  readonly max: number;
}

export const SIGNED_8: FieldRange = { min: -128, max: 127 };
export const SIGNED_16: FieldRange = { min: -32768, max: 32767 };
export const UNSIGNED_16: FieldRange = { min: 0, max: 0xffff };
export const SIGNED_32: FieldRange = { min: -0x80000000, max: 0x7fffffff };
export const UNSIGNED_32: FieldRange = { min: 0, max: 0xffffffff };

export function fits(value: number, range: FieldRange): boolean {
  return Number.isInteger(value) && value >= range.min && value <= range.max;
}

/** The low `width` bytes of value in two's complement, least significant first. */
export function littleEndian(value: number, width: 1 | 2 | 4): number[] {
  const out: number[] = [];
  let rest = BigInt.asUintN(width * 8, BigInt(value));
  for (let k = 0; k < width; k += 1) {
    out.push(Number(rest & 0xffn));
    rest >>= 8n;
  }
  return out;
}
