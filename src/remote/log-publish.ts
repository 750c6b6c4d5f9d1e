// Publish a kindling log on a remote as static files, the same layout as on disk, under log/:
//   log/origin, log/entries/NNNNNNNNNNNN, log/checkpoints/SIZE.note, log/checkpoint
// and the same tree in the C2SP tlog-tiles layout (log/checkpoint is its checkpoint too):
//   log/tile/<L>/<N>[.p/<W>], log/tile/entries/<N>[.p/<W>]
// Only what the remote lacks is sent: the entries after the remote's checkpoint, the tiles that
// filled since and the partial ones of the new size, then the new checkpoint, written last so that a
// follower never sees a checkpoint before its entries and tiles. A remote
// whose log is not a prefix of the local one is refused: publishing over it would hide a rewrite.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseCheckpoint } from '../attest/log/checkpoint.js';
import { readLog } from '../attest/log/log.js';
import { hashesEqual, rootOf } from '../attest/log/merkle.js';
import { parseNote } from '../attest/log/note.js';
import { nodesAtLevel, TILE_WIDTH, tilePath, tileWidth } from '../attest/log/tiles.js';
import { RemoteError, type RemoteClient } from './http.js';

export const LOG_PREFIX = 'log/';

export function entryName(index: number): string {
  return String(index).padStart(12, '0');
}

/** The level-0 tile that ends a tree of `size` leaves (size > 0). */
function lastLeafTile(size: number): string {
  const index = Math.floor((size - 1) / TILE_WIDTH);
  return tilePath(0, index, tileWidth(size, 0, index));
}

/** The tiles and bundles a remote holding a tree of `from` leaves lacks for one of `to`. */
export function tilesBetween(from: number, to: number): string[] {
  const paths: string[] = [];
  for (let level = 0; nodesAtLevel(to, level) > 0; level += 1) {
    const before = nodesAtLevel(from, level);
    const after = nodesAtLevel(to, level);
    const kinds: (number | 'entries')[] = level === 0 ? [0, 'entries'] : [level];
    for (const kind of kinds) {
      for (let index = Math.floor(before / TILE_WIDTH); index < Math.floor(after / TILE_WIDTH); index += 1)
        paths.push(tilePath(kind, index));
      if (after % TILE_WIDTH > 0 && after !== before) paths.push(tilePath(kind, Math.floor(after / TILE_WIDTH), after % TILE_WIDTH));
    }
  }
  return paths;
}

export interface PublishedLog {
  readonly size: number;
  readonly entriesSent: number;
}

export async function publishLog(dir: string, client: RemoteClient): Promise<PublishedLog> {
  const { origin, leaves } = await readLog(dir);
  const latestText = await readFile(join(dir, 'checkpoint'), 'utf8').catch(() => undefined);
  if (latestText === undefined) throw new RemoteError(`${dir}: the log has no checkpoint to publish (kindling log checkpoint first)`);
  const latest = parseCheckpoint(parseNote(latestText).text);

  let from = 0;
  let tilesFrom: number | undefined;
  const remoteText = await client.getDocument(`${LOG_PREFIX}checkpoint`);
  if (remoteText !== undefined) {
    const remote = parseCheckpoint(parseNote(Buffer.from(remoteText).toString('utf8')).text);
    if (remote.origin !== origin)
      throw new RemoteError(`the remote log is ${JSON.stringify(remote.origin)}, this one ${JSON.stringify(origin)}`);
    if (remote.size > latest.size || !hashesEqual(rootOf(leaves.slice(0, remote.size)), remote.root)) {
      throw new RemoteError(`the remote log (size ${remote.size}) is not a prefix of ${dir}: refusing to publish over it`);
    }
    from = remote.size;
    // A remote published before logs had tiles holds none: send them all.
    if (from > 0 && !(await client.has(`${LOG_PREFIX}${lastLeafTile(from)}`))) tilesFrom = 0;
  } else {
    await client.put(`${LOG_PREFIX}origin`, new Uint8Array(Buffer.from(`${origin}\n`)));
  }
  for (let index = from; index < latest.size; index += 1) {
    await client.put(`${LOG_PREFIX}entries/${entryName(index)}`, new Uint8Array(await readFile(join(dir, 'entries', entryName(index)))));
  }
  for (const path of tilesBetween(tilesFrom ?? from, latest.size)) {
    const bytes = await readFile(join(dir, path)).catch(() => {
      throw new RemoteError(
        `${join(dir, path)}: missing; issue a checkpoint (kindling log checkpoint) to write the tiles of size ${latest.size}`,
      );
    });
    await client.put(`${LOG_PREFIX}${path}`, new Uint8Array(bytes));
  }
  const stored = (await readdir(join(dir, 'checkpoints')).catch(() => [] as string[])).filter((name) => name === `${latest.size}.note`);
  for (const name of stored)
    await client.put(`${LOG_PREFIX}checkpoints/${name}`, new Uint8Array(await readFile(join(dir, 'checkpoints', name))));
  await client.put(`${LOG_PREFIX}checkpoint`, new Uint8Array(Buffer.from(latestText)));
  return { size: latest.size, entriesSent: latest.size - from };
}
