// Offline distfiles directories: a source is looked up by its file name first (one hash to check),
// and only then by hashing the other files there, so a tarball saved under another name is still
// found. Hashes of scanned files are remembered for the run, so several sources cost one scan.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256File, type Sha256 } from '../digest.js';
import type { SourceFailure } from './failures.js';
import type { WantedSource } from './wanted.js';

export type DistfileLookup =
  | { readonly found: true; readonly path: string; readonly notes: readonly SourceFailure[] }
  | { readonly found: false; readonly notes: readonly SourceFailure[] };

/** Remembers file hashes by path, size and modification time, for one run. */
export class DistfilesIndex {
  private readonly hashes = new Map<string, { key: string; sha256: Sha256 }>();
  private readonly directories: readonly string[];

  constructor(directories: readonly string[]) {
    this.directories = directories;
  }

  get dirs(): readonly string[] {
    return this.directories;
  }

  private async hashOf(path: string): Promise<Sha256 | undefined> {
    let key: string;
    try {
      const info = await stat(path);
      if (!info.isFile()) return undefined;
      key = `${info.size}:${info.mtimeMs}`;
    } catch {
      return undefined;
    }
    const known = this.hashes.get(path);
    if (known !== undefined && known.key === key) return known.sha256;
    const sha256 = await sha256File(path);
    this.hashes.set(path, { key, sha256 });
    return sha256;
  }

  /** A file in one of the directories whose bytes have the source's sha256. */
  async find(source: WantedSource): Promise<DistfileLookup> {
    const notes: SourceFailure[] = [];
    const byName = new Set<string>();
    for (const dir of this.directories) {
      const path = join(dir, source.fileName);
      byName.add(path);
      const actual = await this.hashOf(path);
      if (actual === source.sha256) return { found: true, path, notes };
      if (actual !== undefined) notes.push({ reason: 'distfile-mismatch', path, expected: source.sha256, actual });
    }
    for (const dir of this.directories) {
      let names: string[];
      try {
        names = (await readdir(dir)).sort();
      } catch {
        continue;
      }
      for (const name of names) {
        const path = join(dir, name);
        if (byName.has(path)) continue;
        if ((await this.hashOf(path)) === source.sha256) return { found: true, path, notes };
      }
    }
    return { found: false, notes };
  }
}
