// Hashes, roots and RFC 6962 proofs of a tree of a given size, read from its tiles (tiles.ts) rather
// than from every entry: a root, an inclusion proof or a consistency proof needs O(log n) tiles.
// The tiles come from a TileSource (the log's own directory, or a remote serving it); nothing read is
// trusted: a root built from tiles is only ever compared with a signed one, and a proof built from
// tiles is checked by the RFC 9162 verifiers against signed roots, so a lying tile shows as a failure.
import { emptyRoot, nodeHash, type Hash } from './merkle.js';
import { HASH_SIZE, TILE_HEIGHT, TILE_WIDTH, TileError, tilePath, tileWidth } from './tiles.js';

export interface TileSource {
  /** The file at `path` (relative to the log's root), or undefined when there is none. */
  read(path: string): Promise<Uint8Array | undefined>;
  /** Where `path` is, for messages: a file name or a URL. */
  where(path: string): string;
}

function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

export class TreeReader {
  private readonly tiles = new Map<string, Promise<Uint8Array>>();

  private readonly source: TileSource;
  readonly size: number;

  constructor(source: TileSource, size: number) {
    this.source = source;
    this.size = size;
  }

  /** The hashes of tile `index` at `level`, as many as a tree of this size has in it. */
  tile(level: number, index: number): Promise<Uint8Array> {
    const key = `${level}/${index}`;
    let tile = this.tiles.get(key);
    if (tile === undefined) {
      tile = this.fetchTile(level, index);
      // A failed fetch is not kept: the next caller asks again.
      tile.catch(() => this.tiles.delete(key));
      this.tiles.set(key, tile);
    }
    return tile;
  }

  private async fetchTile(level: number, index: number): Promise<Uint8Array> {
    const width = tileWidth(this.size, level, index);
    if (width === 0) throw new RangeError(`a tree of size ${this.size} has no tile ${index} at level ${level}`);
    const partial = width < TILE_WIDTH ? tilePath(level, index, width) : undefined;
    const full = tilePath(level, index);
    const fromPartial = partial === undefined ? undefined : await this.source.read(partial);
    // A partial tile may be gone once the full one is there: a full tile holds every prefix.
    const path = fromPartial === undefined ? full : (partial as string);
    const bytes = fromPartial ?? (await this.source.read(full));
    if (bytes === undefined)
      throw new TileError(`${this.source.where(partial ?? full)}: missing, though the tree of size ${this.size} needs it`);
    const expected = (path === full ? TILE_WIDTH : width) * HASH_SIZE;
    if (bytes.length !== expected) {
      throw new TileError(
        `${this.source.where(path)}: ${bytes.length} bytes where a tile of ${expected / HASH_SIZE} hashes has ${expected}: the tile was truncated or padded`,
      );
    }
    return bytes.subarray(0, width * HASH_SIZE);
  }

  /** The root of the perfect subtree of height `height` that starts at leaf index·2^height. */
  async subtree(height: number, index: number): Promise<Hash> {
    const level = Math.floor(height / TILE_HEIGHT);
    const below = height % TILE_HEIGHT;
    // The 2^below nodes at this tile level that make up the subtree sit side by side in one tile.
    const first = index * 2 ** below;
    const tile = await this.tile(level, Math.floor(first / TILE_WIDTH));
    const offset = first % TILE_WIDTH;
    let layer: Hash[] = [];
    for (let i = 0; i < 2 ** below; i += 1) {
      const start = (offset + i) * HASH_SIZE;
      layer.push(tile.subarray(start, start + HASH_SIZE));
    }
    while (layer.length > 1) {
      const next: Hash[] = [];
      for (let i = 0; i < layer.length; i += 2) next.push(nodeHash(layer[i] as Hash, layer[i + 1] as Hash));
      layer = next;
    }
    return layer[0] as Hash;
  }

  /** MTH(D[start:end]), the RFC's root of any range, from the perfect subtrees it splits into. */
  async rangeRoot(start: number, end: number): Promise<Hash> {
    const n = end - start;
    if ((n & (n - 1)) === 0 && start % n === 0) return this.subtree(Math.log2(n), start / n);
    const k = largestPowerOfTwoBelow(n);
    return nodeHash(await this.rangeRoot(start, start + k), await this.rangeRoot(start + k, end));
  }

  async root(): Promise<Hash> {
    return this.size === 0 ? emptyRoot() : this.rangeRoot(0, this.size);
  }

  async leaf(index: number): Promise<Hash> {
    if (index < 0 || index >= this.size) throw new RangeError(`no leaf ${index} in a tree of size ${this.size}`);
    return this.subtree(0, index);
  }

  /** PATH(index, D[0:size]) of RFC 6962 §2.1.1. */
  async inclusionProof(index: number): Promise<Hash[]> {
    if (!Number.isInteger(index) || index < 0 || index >= this.size)
      throw new RangeError(`no leaf ${index} in a tree of size ${this.size}`);
    const path = async (m: number, start: number, end: number): Promise<Hash[]> => {
      const n = end - start;
      if (n === 1) return [];
      const k = largestPowerOfTwoBelow(n);
      return m < k
        ? [...(await path(m, start, start + k)), await this.rangeRoot(start + k, end)]
        : [...(await path(m - k, start + k, end)), await this.rangeRoot(start, start + k)];
    };
    return path(index, 0, this.size);
  }

  /** PROOF(oldSize, D[0:size]) of RFC 6962 §2.1.2. */
  async consistencyProof(oldSize: number): Promise<Hash[]> {
    if (!Number.isInteger(oldSize) || oldSize < 0 || oldSize > this.size)
      throw new RangeError(`no consistency proof from size ${oldSize} to ${this.size}`);
    if (oldSize === 0 || oldSize === this.size) return [];
    const subproof = async (m: number, start: number, end: number, complete: boolean): Promise<Hash[]> => {
      const n = end - start;
      if (m === n) return complete ? [] : [await this.rangeRoot(start, end)];
      const k = largestPowerOfTwoBelow(n);
      return m <= k
        ? [...(await subproof(m, start, start + k, complete)), await this.rangeRoot(start + k, end)]
        : [...(await subproof(m - k, start + k, end, false)), await this.rangeRoot(start, start + k)];
    };
    return subproof(oldSize, 0, this.size, true);
  }
}
