// What the audit learns about one file on disk: two independent hashes, its size, and whether it is
// text. Seeds and shared sources are used by many stages; each file is read once.
import { readFile } from 'node:fs/promises';
import { contentKind, countLines, type ContentKind } from './content-kind.js';
import { dualHashFile, type DualHash } from '../seeds/dual-hash.js';

export interface FileFacts {
  readonly hash: DualHash;
  readonly content: ContentKind;
  /** Lines, for text files. */
  readonly lines?: number;
}

export class FileFactsCache {
  private readonly known = new Map<string, Promise<FileFacts>>();

  /** Facts about the file at `path`; rejects when it cannot be read. */
  facts(path: string): Promise<FileFacts> {
    let facts = this.known.get(path);
    if (facts === undefined) {
      facts = readFacts(path);
      this.known.set(path, facts);
    }
    return facts;
  }

  async entries(): Promise<[string, FileFacts][]> {
    const settled = await Promise.allSettled([...this.known].map(async ([path, facts]) => [path, await facts] as [string, FileFacts]));
    return settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  }
}

async function readFacts(path: string): Promise<FileFacts> {
  const hash = await dualHashFile(path);
  const bytes = await readFile(path);
  const content = contentKind(bytes);
  return content === 'text' ? { hash, content, lines: countLines(bytes) } : { hash, content };
}
