// Write a chain's sources from the store into a distfiles directory, each under its file name,
// with a SHA256SUMS beside them: a machine with network prepares it, one without reads it back
// with --distfiles. Each file is written to a temporary name and renamed, so a reader never sees
// half a file under a real name.
import { chmod, copyFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256File, type Sha256 } from '../digest.js';
import type { Chain } from '../manifest/types.js';
import type { Store } from '../store/store.js';
import { wantedSources, type WantedSource } from './wanted.js';
import { KindlingError } from '../errors.js';

export class ExportError extends KindlingError {
  constructor(message: string) {
    super('failed', message);
    this.name = 'ExportError';
  }
}

export interface ExportedFile {
  readonly fileName: string;
  readonly sha256: Sha256;
  readonly path: string;
  /** False when the directory already held the right bytes under that name. */
  readonly written: boolean;
}

export function exportSources(chain: Chain, store: Store, dir: string): Promise<ExportedFile[]> {
  return exportWanted(wantedSources(chain), store, dir);
}

export async function exportWanted(sources: readonly WantedSource[], store: Store, dir: string): Promise<ExportedFile[]> {
  const missing = [];
  const byName = new Map<string, WantedSource>();
  for (const source of sources) {
    if (!(await store.has(source.sha256))) missing.push(`${source.fileName} (sha256 ${source.sha256})`);
    const other = byName.get(source.fileName);
    if (other !== undefined && other.sha256 !== source.sha256) {
      throw new ExportError(`two sources share the file name ${source.fileName}: ${other.sha256} and ${source.sha256}`);
    }
    byName.set(source.fileName, source);
  }
  if (missing.length > 0) throw new ExportError(`not in the store (fetch them first): ${missing.join(', ')}`);

  await mkdir(dir, { recursive: true });
  const exported: ExportedFile[] = [];
  for (const source of byName.values()) {
    const path = join(dir, source.fileName);
    let current: Sha256 | undefined;
    try {
      current = await sha256File(path);
    } catch {
      current = undefined;
    }
    if (current !== source.sha256) {
      const temp = join(dir, `.${source.fileName}.partial-${process.pid}`);
      try {
        await copyFile(store.objectPath(source.sha256), temp);
        // Store objects are read-only; an exported copy is an ordinary file.
        await chmod(temp, 0o644);
        const copied = await sha256File(temp);
        if (copied !== source.sha256) throw new ExportError(`store object ${source.sha256} has sha256 ${copied}`);
        await rename(temp, path);
      } finally {
        await rm(temp, { force: true });
      }
    }
    exported.push({ fileName: source.fileName, sha256: source.sha256, path, written: current !== source.sha256 });
  }
  await writeSums(dir, exported);
  return exported;
}

/** Merge our entries into the directory's SHA256SUMS (the `sha256sum -c` format), keeping others. */
async function writeSums(dir: string, files: readonly ExportedFile[]): Promise<void> {
  const path = join(dir, 'SHA256SUMS');
  const entries = new Map<string, string>();
  try {
    for (const line of (await readFile(path, 'utf8')).split('\n')) {
      const match = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
      if (match) entries.set(match[2]!, match[1]!);
    }
  } catch {
    // No SHA256SUMS yet.
  }
  for (const file of files) entries.set(file.fileName, file.sha256);
  const text = [...entries]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, sha]) => `${sha}  ${name}\n`)
    .join('');
  const temp = `${path}.partial-${process.pid}`;
  await writeFile(temp, text);
  await rename(temp, path);
}
