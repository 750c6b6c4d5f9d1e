// Where a log's hashes and entries live as static files, in the C2SP tlog-tiles layout:
//   tile/<L>/<N>[.p/<W>]        hashes of the tree's nodes at height 8·L, numbered 256·N onwards;
//                               a full tile holds 256 of them, a partial one (.p/W) the first W
//   tile/entries/<N>[.p/<W>]    entries 256·N onwards, each as a big-endian uint16 length and its bytes
// N is written in groups of three digits, all but the last prefixed with x: 1234067 → x001/x234/067.
// Full tiles never change; a partial tile of width W is written once, for a checkpoint of that size.
import { KindlingError } from '../../errors.js';

export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;
export const HASH_SIZE = 32;
/** An entry bundle stores each entry's length in two bytes. */
export const MAX_ENTRY_BYTES = 0xffff;

export class TileError extends KindlingError {
  override readonly name = 'TileError';

  constructor(message: string) {
    super('input', message);
  }
}

export function encodeTileIndex(index: number): string {
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`no tile ${index}`);
  let digits = String(index);
  digits = digits.padStart(Math.ceil(digits.length / 3) * 3, '0');
  const groups = digits.match(/.{3}/g) ?? [];
  return groups.map((group, i) => (i < groups.length - 1 ? `x${group}` : group)).join('/');
}

/** The path of a hash tile (level a number) or an entry bundle (level 'entries'), relative to the log's root. */
export function tilePath(level: number | 'entries', index: number, width = TILE_WIDTH): string {
  if (!Number.isInteger(width) || width < 1 || width > TILE_WIDTH) throw new RangeError(`no tile of width ${width}`);
  return `tile/${level}/${encodeTileIndex(index)}${width === TILE_WIDTH ? '' : `.p/${width}`}`;
}

/** How many nodes of height 8·level a tree of `size` leaves has complete: all a tile can hold. */
export function nodesAtLevel(size: number, level: number): number {
  return Math.floor(size / TILE_WIDTH ** level);
}

/** The width of tile `index` at `level` in a tree of `size` leaves (0 when the tree has no such tile). */
export function tileWidth(size: number, level: number, index: number): number {
  const nodes = nodesAtLevel(size, level);
  return Math.max(0, Math.min(TILE_WIDTH, nodes - index * TILE_WIDTH));
}

export function encodeBundle(entries: readonly Uint8Array[]): Uint8Array {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    if (entry.length > MAX_ENTRY_BYTES)
      throw new TileError(`an entry of ${entry.length} bytes does not fit a tile bundle (at most ${MAX_ENTRY_BYTES})`);
    const length = Buffer.alloc(2);
    length.writeUInt16BE(entry.length);
    parts.push(length, Buffer.from(entry));
  }
  return new Uint8Array(Buffer.concat(parts));
}

export function decodeBundle(bytes: Uint8Array, label: string): Uint8Array[] {
  const entries: Uint8Array[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    if (offset + 2 > bytes.length) throw new TileError(`${label}: an entry length is cut off: the bundle was truncated`);
    const length = ((bytes[offset] ?? 0) << 8) | (bytes[offset + 1] ?? 0);
    if (offset + 2 + length > bytes.length) throw new TileError(`${label}: entry ${entries.length} is cut off: the bundle was truncated`);
    entries.push(bytes.subarray(offset + 2, offset + 2 + length));
    offset += 2 + length;
  }
  return entries;
}
