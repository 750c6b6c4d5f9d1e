// What appending to a log needs to know, kept so that an append costs O(log n), not a re-read of the
// log: for each tile level, the hashes not yet gathered into a full tile (fewer than 256 each).
//   <log>/tree              {"size": n, "levels": [base64 of level 0's pending hashes, level 1's, …]}
//   <log>/index/<hh>/<hash> the index of the entry whose leaf hash is <hash> (hex), for duplicates
// Full tiles and entry bundles are written as soon as they fill; partial ones only when a checkpoint
// is issued, for its size. Entries are written before the state, so a crash leaves entries the
// state does not cover yet; the next append or checkpoint takes them in (recoverTree).
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { nodeHash, type Hash } from './merkle.js';
import type { TileSource } from './tree-reader.js';
import { encodeBundle, HASH_SIZE, TILE_WIDTH, nodesAtLevel, tilePath } from './tiles.js';

export interface TreeState {
  size: number;
  /** levels[L]: hashes of height-8L nodes after the last full tile of level L. */
  levels: Hash[][];
}

export function entryName(index: number): string {
  return String(index).padStart(12, '0');
}

export function entryPath(dir: string, index: number): string {
  return join(dir, 'entries', entryName(index));
}

export async function readTreeState(dir: string): Promise<TreeState | undefined> {
  const text = await readFile(join(dir, 'tree'), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const parsed = JSON.parse(text) as { size: number; levels: string[] };
  const levels = parsed.levels.map((b64) => {
    const bytes = Buffer.from(b64, 'base64');
    const hashes: Hash[] = [];
    for (let offset = 0; offset < bytes.length; offset += HASH_SIZE)
      hashes.push(new Uint8Array(bytes.subarray(offset, offset + HASH_SIZE)));
    return hashes;
  });
  return { size: parsed.size, levels };
}

export async function writeTreeState(dir: string, state: TreeState): Promise<void> {
  const levels = state.levels.map((hashes) => Buffer.concat(hashes.map((hash) => Buffer.from(hash))).toString('base64'));
  await writeAtomically(join(dir, 'tree'), JSON.stringify({ size: state.size, levels }) + '\n');
}

/** Take in leaf `state.size` (its entry already written): O(1) amortised, full tiles written as they fill. */
export async function addLeaf(dir: string, state: TreeState, leaf: Hash): Promise<void> {
  let carry: Hash | undefined = leaf;
  state.size += 1;
  for (let level = 0; carry !== undefined; level += 1) {
    const pending = (state.levels[level] ??= []);
    pending.push(carry);
    carry = undefined;
    if (pending.length === TILE_WIDTH) {
      const index = nodesAtLevel(state.size, level) / TILE_WIDTH - 1;
      await writeAtomically(join(dir, tilePath(level, index)), Buffer.concat(pending.map((hash) => Buffer.from(hash))));
      carry = perfectRoot(pending);
      state.levels[level] = [];
    }
  }
  if (state.size % TILE_WIDTH === 0) await writeBundle(dir, state.size / TILE_WIDTH - 1, TILE_WIDTH);
  await writeIndex(dir, leaf, state.size - 1);
}

/** The partial tiles and entry bundle of a tree of exactly `state.size` leaves, for its checkpoint. */
export async function writePartialTiles(dir: string, state: TreeState): Promise<void> {
  for (const [level, pending] of state.levels.entries()) {
    if (pending.length === 0) continue;
    const index = Math.floor(nodesAtLevel(state.size, level) / TILE_WIDTH);
    await writeAtomically(join(dir, tilePath(level, index, pending.length)), Buffer.concat(pending.map((hash) => Buffer.from(hash))));
  }
  const inBundle = state.size % TILE_WIDTH;
  if (inBundle > 0) await writeBundle(dir, Math.floor(state.size / TILE_WIDTH), inBundle);
}

export async function lookupIndex(dir: string, leaf: Hash): Promise<number | undefined> {
  const text = await readFile(indexPath(dir, leaf), 'utf8').catch(() => undefined);
  return text === undefined ? undefined : Number(text);
}

export function localTileSource(dir: string): TileSource {
  return {
    read: async (path) =>
      readFile(join(dir, path)).then(
        (bytes) => new Uint8Array(bytes),
        () => undefined,
      ),
    where: (path) => join(dir, path),
  };
}

async function writeBundle(dir: string, index: number, width: number): Promise<void> {
  const entries: Uint8Array[] = [];
  for (let i = index * TILE_WIDTH; i < index * TILE_WIDTH + width; i += 1) entries.push(new Uint8Array(await readFile(entryPath(dir, i))));
  await writeAtomically(join(dir, tilePath('entries', index, width)), encodeBundle(entries));
}

async function writeIndex(dir: string, leaf: Hash, index: number): Promise<void> {
  await writeAtomically(indexPath(dir, leaf), `${index}\n`);
}

function indexPath(dir: string, leaf: Hash): string {
  const hex = Buffer.from(leaf).toString('hex');
  return join(dir, 'index', hex.slice(0, 2), hex);
}

function perfectRoot(hashes: readonly Hash[]): Hash {
  let layer = [...hashes];
  while (layer.length > 1) {
    const next: Hash[] = [];
    for (let i = 0; i < layer.length; i += 2) next.push(nodeHash(layer[i] as Hash, layer[i + 1] as Hash));
    layer = next;
  }
  return layer[0] as Hash;
}

async function writeAtomically(path: string, bytes: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, bytes);
  await rename(temp, path);
}
