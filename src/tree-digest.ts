// One sha256 for a whole directory of files, so that a manifest can pin a source tree with one
// line instead of one line per file. The digest is the sha256 of a listing, one line per regular
// file, sorted by path (byte order of the UTF-8 path):
//
//     <mode> <sha256 of the file> <path relative to the tree, '/' between names>\n
//
// where mode is 755 for a file with any execute bit and 644 otherwise. Directories appear only
// through the files in them (an empty directory adds nothing). A symbolic link, device, socket or
// pipe anywhere in the tree is refused: a link could make the tree's bytes depend on the host.
// Anyone can recompute the digest by hand:
//     find . -type f | sort | while read f; do …mode… $(sha256sum < "$f") "${f#./}"; done | sha256sum
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256Bytes, sha256File, type Sha256 } from './digest.js';
import { KindlingError } from './errors.js';

export interface TreeFile {
  /** Path relative to the tree's top, with '/' between names. */
  readonly path: string;
  readonly sha256: Sha256;
  readonly executable: boolean;
}

export interface Tree {
  readonly sha256: Sha256;
  readonly files: readonly TreeFile[];
}

/** A tree that cannot be hashed, with the path (relative to the tree) at fault. */
export class TreeError extends KindlingError {
  readonly path: string;

  constructor(path: string, problem: string) {
    super('input', `${path === '' ? 'the tree' : path}: ${problem}`);
    this.name = 'TreeError';
    this.path = path;
  }
}

export async function hashTree(dir: string): Promise<Tree> {
  const files: TreeFile[] = [];
  const visit = async (relative: string): Promise<void> => {
    const here = relative === '' ? dir : join(dir, relative);
    const info = await lstat(here).catch(() => undefined);
    if (info === undefined) throw new TreeError(relative, 'does not exist');
    if (info.isDirectory()) {
      for (const name of await readdir(here)) {
        const path = relative === '' ? name : `${relative}/${name}`;
        // One line per file in the listing: a name with a line break could forge a line.
        if (/[\n\r]/.test(name)) throw new TreeError(path, 'has a line break in its name');
        await visit(path);
      }
    } else if (info.isFile()) {
      files.push({ path: relative, sha256: await sha256File(here), executable: (info.mode & 0o111) !== 0 });
    } else {
      throw new TreeError(
        relative,
        `is a ${info.isSymbolicLink() ? 'symbolic link' : 'device, socket or pipe'}; a tree holds only files and directories`,
      );
    }
  };
  const top = await lstat(dir).catch(() => undefined);
  if (top?.isDirectory() !== true) throw new TreeError('', 'is not a directory');
  await visit('');
  return { sha256: treeDigest(files), files };
}

/** The digest of a tree's files, in any order: they are sorted here (in place) as the listing requires. */
export function treeDigest(files: TreeFile[]): Sha256 {
  files.sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
  return sha256Bytes(treeListing(files));
}

/** The listing whose sha256 is the tree's digest. */
export function treeListing(files: readonly TreeFile[]): string {
  return files.map((f) => `${f.executable ? '755' : '644'} ${f.sha256} ${f.path}\n`).join('');
}
