// The log's tiles: the C2SP tlog-tiles paths, tiles that hold exactly the tree's node hashes, entry
// bundles that hold exactly its entries, roots and proofs read from O(log n) tiles that equal the ones
// computed from every leaf, and an append that does not read the log's earlier entries.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCheckpoint } from '../../src/attest/log/checkpoint.js';
import { appendToLog, issueCheckpoint, proveInclusion, readLog, verifyLog } from '../../src/attest/log/log.js';
import { consistencyProof, inclusionProof, leafHash, nodeHash, rootOf, verifyInclusion, type Hash } from '../../src/attest/log/merkle.js';
import { parseNote } from '../../src/attest/log/note.js';
import { decodeBundle, encodeTileIndex, TILE_WIDTH, tilePath, tileWidth } from '../../src/attest/log/tiles.js';
import { TreeReader, type TileSource } from '../../src/attest/log/tree-reader.js';
import { loadTrustedKeys } from '../../src/attest/key-files.js';
import { makeRebuilders, removeTempDirs, tempDir, trustDir, type Rebuilder } from './rig.js';

let root: string;
let operator: Rebuilder;

beforeAll(async () => {
  root = await tempDir('tiles');
  [operator] = (await makeRebuilders(root, ['log.example'])) as [Rebuilder];
});
afterAll(removeTempDirs);

/** Small envelopes, enough of them to fill tiles (their signatures are not what is tested here). */
async function envelopes(from: number, count: number): Promise<string[]> {
  const dir = join(root, 'envelopes');
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  for (let i = from; i < from + count; i += 1) {
    const file = join(dir, `${i}.json`);
    await writeFile(
      file,
      JSON.stringify({
        payloadType: 'text/plain',
        payload: Buffer.from(`entry ${i}`).toString('base64'),
        signatures: [{ keyid: '', sig: 'AA==' }],
      }),
    );
    files.push(file);
  }
  return files;
}

/** Tiles made straight from the definition: the hash of every complete 2^(8L)-leaf subtree, layer by layer. */
function referenceTiles(leaves: readonly Hash[]): TileSource {
  const files = new Map<string, Uint8Array>();
  let layer: readonly Hash[] = leaves;
  for (let height = 0; layer.length > 0; height += 1) {
    if (height % 8 === 0) {
      const level = height / 8;
      for (let index = 0; index * TILE_WIDTH < layer.length; index += 1) {
        const width = tileWidth(leaves.length, level, index);
        files.set(tilePath(level, index, width), Buffer.concat(layer.slice(index * TILE_WIDTH, index * TILE_WIDTH + width)));
      }
    }
    const next: Hash[] = [];
    for (let i = 0; i + 1 < layer.length; i += 2) next.push(nodeHash(layer[i]!, layer[i + 1]!));
    layer = next;
  }
  return { read: (path) => Promise.resolve(files.get(path)), where: (path) => `mem:${path}` };
}

describe('tile paths', () => {
  it('writes the index in x-prefixed groups of three digits, and partial tiles with their width', () => {
    expect(encodeTileIndex(0)).toBe('000');
    expect(encodeTileIndex(999)).toBe('999');
    expect(encodeTileIndex(1000)).toBe('x001/000');
    expect(encodeTileIndex(1234067)).toBe('x001/x234/067');
    expect(tilePath(0, 1234067)).toBe('tile/0/x001/x234/067');
    expect(tilePath(2, 5, 17)).toBe('tile/2/005.p/17');
    expect(tilePath('entries', 3, 255)).toBe('tile/entries/003.p/255');
  });
});

describe('a tree read from tiles', () => {
  it('gives the same roots and proofs as the whole list of leaves, across tile and level boundaries', async () => {
    // Any 32 bytes serve as leaf hashes here; hashing 65,537 entries would only slow the test.
    const leaves = Array.from({ length: 65_537 }, (_, i) => {
      const hash = new Uint8Array(32);
      new DataView(hash.buffer).setUint32(0, i + 1);
      return hash;
    });
    const hex = (hashes: readonly Hash[]): string[] => hashes.map((hash) => Buffer.from(hash).toString('hex'));
    for (const size of [1, 2, 3, 255, 256, 257, 511, 512, 1000, 65_537]) {
      const prefix = leaves.slice(0, size);
      const tree = new TreeReader(referenceTiles(prefix), size);
      expect(Buffer.from(await tree.root()).equals(Buffer.from(rootOf(prefix))), `root at ${size}`).toBe(true);
      // The whole-list proofs cost O(n) each: fewer of them at the size that reaches the third level.
      const indexes = size > 1000 ? [size - 1] : [0, Math.floor(size / 2), size - 1];
      for (const index of new Set(indexes))
        expect(hex(await tree.inclusionProof(index)), `inclusion ${index}/${size}`).toEqual(hex(inclusionProof(prefix, index)));
      const olds = size > 1000 ? [] : [1, Math.floor(size / 3), size - 1].filter((n) => n > 0);
      for (const old of new Set(olds))
        expect(hex(await tree.consistencyProof(old)), `consistency ${old}→${size}`).toEqual(hex(consistencyProof(prefix, old)));
    }
  });

  it('names the tile when one is missing, truncated or padded', async () => {
    const leaves = Array.from({ length: 300 }, (_, i) => leafHash(Buffer.from(`leaf ${i}`)));
    const honest = referenceTiles(leaves);
    const serve = (path: string, bytes: Uint8Array | undefined): TileSource => ({
      read: (p) => (p === path ? Promise.resolve(bytes) : honest.read(p)),
      where: (p) => honest.where(p),
    });
    const full = (await honest.read('tile/0/000'))!;
    await expect(new TreeReader(serve('tile/0/000', full.subarray(0, 8000)), 300).inclusionProof(5)).rejects.toThrow(
      'mem:tile/0/000: 8000 bytes where a tile of 256 hashes has 8192: the tile was truncated or padded',
    );
    await expect(new TreeReader(serve('tile/0/001.p/44', undefined), 300).root()).rejects.toThrow(
      'mem:tile/0/001.p/44: missing, though the tree of size 300 needs it',
    );
    const partial = (await honest.read('tile/0/001.p/44'))!;
    await expect(new TreeReader(serve('tile/0/001.p/44', Buffer.concat([partial, Buffer.alloc(32)])), 300).root()).rejects.toThrow(
      /001.p\/44: 1440 bytes/,
    );
  });
});

describe('a log kept in tiles', () => {
  it('writes full tiles as they fill and partial ones for each checkpoint, bundles every entry, and proves from tiles', async () => {
    const dir = join(root, 'log');
    const files = await envelopes(0, 600);
    // Appended in uneven batches, with checkpoints between some of them.
    await appendToLog(dir, files.slice(0, 100), 'log.example/tiles');
    await issueCheckpoint(dir, operator.key);
    await appendToLog(dir, files.slice(100, 300));
    await appendToLog(dir, files.slice(300, 600));
    const { checkpoint } = await issueCheckpoint(dir, operator.key);
    const { leaves } = await readLog(dir);
    expect(checkpoint.size).toBe(600);
    expect(Buffer.from(checkpoint.root).equals(Buffer.from(rootOf(leaves)))).toBe(true);

    expect((await readFile(join(dir, 'tile/0/000'))).equals(Buffer.concat(leaves.slice(0, 256)))).toBe(true);
    expect((await readFile(join(dir, 'tile/0/001'))).length).toBe(8192);
    expect((await readFile(join(dir, 'tile/0/002.p/88'))).equals(Buffer.concat(leaves.slice(512, 600)))).toBe(true);
    expect((await readFile(join(dir, 'tile/0/000.p/100'))).equals(Buffer.concat(leaves.slice(0, 100)))).toBe(true);
    expect(
      (await readFile(join(dir, 'tile/1/000.p/2'))).equals(Buffer.concat([rootOf(leaves.slice(0, 256)), rootOf(leaves.slice(256, 512))])),
    ).toBe(true);
    const bundled = [
      ...decodeBundle(await readFile(join(dir, 'tile/entries/000')), 'b0'),
      ...decodeBundle(await readFile(join(dir, 'tile/entries/001')), 'b1'),
      ...decodeBundle(await readFile(join(dir, 'tile/entries/002.p/88')), 'b2'),
    ];
    expect(bundled.map((entry) => Buffer.from(entry).toString())).toEqual(await Promise.all(files.map((file) => readFile(file, 'utf8'))));

    const proof = await proveInclusion(dir, await readFile(files[300]!));
    expect(proof.index).toBe(300);
    expect(
      verifyInclusion(
        leaves[300]!,
        300,
        600,
        proof.proof.map((hash) => new Uint8Array(Buffer.from(hash, 'base64'))),
        checkpoint.root,
      ),
    ).toBe(true);
    expect(parseCheckpoint(parseNote(proof.checkpoint).text).size).toBe(600);
    // Duplicates are found through the index, not by reading the log.
    expect((await appendToLog(dir, [files[7]!])).map((entry) => [entry.index, entry.duplicate])).toEqual([[7, true]]);
  });

  it('appends without reading earlier entries, while verify, which reads them all, still sees what happened to them', async () => {
    const dir = join(root, 'unread');
    const files = await envelopes(1000, 300);
    await appendToLog(dir, files.slice(0, 299), 'log.example/unread');
    await issueCheckpoint(dir, operator.key);
    // Take away the entries of the first full bundle: an append that re-read the log could not go on.
    for (let i = 0; i < 256; i += 1) await rm(join(dir, 'entries', String(i).padStart(12, '0')), { force: true });
    const appended = await appendToLog(dir, [files[299]!]);
    expect(appended.map((entry) => [entry.index, entry.duplicate])).toEqual([[299, false]]);
    const { checkpoint } = await issueCheckpoint(dir, operator.key);
    expect(checkpoint.size).toBe(300);
    const trusted = await loadTrustedKeys(await trustDir(root, [operator]));
    expect((await verifyLog(dir, trusted)).problems.join('\n')).toMatch(/entry 0 is missing/);
  });

  it('takes in entries an interrupted append wrote but did not record, and refuses a changed newest entry', async () => {
    const dir = join(root, 'interrupted');
    const files = await envelopes(2000, 5);
    await appendToLog(dir, files.slice(0, 3), 'log.example/interrupted');
    // As if an append stopped after writing entry 3: the state still says 3.
    await writeFile(join(dir, 'entries', '000000000003'), await readFile(files[3]!));
    const appended = await appendToLog(dir, [files[4]!, files[3]!]);
    expect(appended.map((entry) => [entry.index, entry.duplicate])).toEqual([
      [4, false],
      [3, true],
    ]);
    const { checkpoint } = await issueCheckpoint(dir, operator.key);
    expect(Buffer.from(checkpoint.root).equals(Buffer.from(rootOf((await readLog(dir)).leaves)))).toBe(true);

    await rm(join(dir, 'entries', '000000000004'), { force: true });
    await writeFile(join(dir, 'entries', '000000000004'), await readFile(files[0]!));
    await expect(issueCheckpoint(dir, operator.key)).rejects.toThrow(
      'refusing to sign: entry 4 is not the leaf the tiles hold: it was changed after it was appended',
    );
  });

  it('verifies a log made before tiles, and gives it tiles on its next checkpoint', async () => {
    const dir = join(root, 'old-format');
    const files = await envelopes(3000, 4);
    await appendToLog(dir, files.slice(0, 3), 'log.example/old');
    await issueCheckpoint(dir, operator.key);
    for (const derived of ['tree', 'tile', 'index']) await rm(join(dir, derived), { recursive: true });
    const trusted = await loadTrustedKeys(await trustDir(root, [operator]));
    expect((await verifyLog(dir, trusted)).problems).toEqual([]);
    await appendToLog(dir, [files[3]!]);
    await issueCheckpoint(dir, operator.key);
    expect((await readFile(join(dir, 'tile/0/000.p/4'))).length).toBe(4 * 32);
    expect((await verifyLog(dir, trusted)).problems).toEqual([]);
  });
});
