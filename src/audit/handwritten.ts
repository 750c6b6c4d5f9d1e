// How much code in the chain is written by hand in hex and assembly: the part nobody can rebuild
// from a higher-level source, so the part every auditor must read. Files ending .hex0, .hex1,
// .hex2, .M0 or .M1 are counted, each line as code, comment only, or blank: those under the seeds
// directory and the chain directory, and those the stages declare as inputs from elsewhere (a
// directory chain.yaml's `sources` names, often another chain's), which the chain rests on as much.
import { readdir, readFile, realpath } from 'node:fs/promises';
import { dirname, extname, join, relative, resolve } from 'node:path';
import type { Chain } from '../manifest/types.js';
import { isInside } from '../manifest/stage.js';

/**
 * stage0-posix's hand-written code from hex0 to cc_amd64 for AMD64, about 7,800 lines: the figure
 * the chain is measured against.
 */
export const STAGE0_POSIX_HANDWRITTEN_LINES = 7800;

export const HANDWRITTEN_EXTENSIONS = ['.hex0', '.hex1', '.hex2', '.M0', '.M1'] as const;

export interface HandwrittenFile {
  /** Relative to the chain directory. */
  readonly path: string;
  readonly extension: string;
  readonly code: number;
  readonly comment: number;
  readonly blank: number;
  /**
   * For a file outside the chain and seeds directories: the declared source directory it was taken
   * from (chain.yaml's `sources`, relative to the chain directory), as ../amd64/07-cc.
   */
  readonly from?: string;
}

/** Lines of the files taken from declared source directories rather than the chain's own. */
export interface HandwrittenFromSources {
  readonly files: number;
  readonly code: number;
  readonly comment: number;
  readonly total: number;
}

export interface HandwrittenCount {
  readonly files: readonly HandwrittenFile[];
  readonly byExtension: Readonly<Record<string, { readonly files: number; readonly code: number; readonly comment: number }>>;
  readonly code: number;
  readonly comment: number;
  readonly blank: number;
  /** Code plus comment-only lines: the lines a reader goes through. */
  readonly total: number;
  /** Present when some files come from declared source directories: how much of the total they are. */
  readonly fromSources?: HandwrittenFromSources;
  /**
   * stage0-posix's line count and `counted` / that count, for an amd64 chain only: the figure is
   * stage0-posix's AMD64 path, and another architecture's hand-written code is not comparable to it.
   * `counted` is the chain's own lines (seeds and chain directory): what it takes from another
   * chain's directory (the aarch64 chain's assembly, say) is not on that path.
   */
  readonly stage0Posix?: { readonly lines: number; readonly counted: number; readonly ratio: number };
}

/** A line is comment-only when its first non-blank character starts a comment (`#` or `;`). */
export function classifyLines(text: string): { code: number; comment: number; blank: number } {
  let code = 0;
  let comment = 0;
  let blank = 0;
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  for (const line of lines) {
    const trimmed = line.trim();
    if (trimmed === '') blank += 1;
    else if (trimmed.startsWith('#') || trimmed.startsWith(';')) comment += 1;
    else code += 1;
  }
  return { code, comment, blank };
}

async function findFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return found;
  }
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && !entry.name.startsWith('.') && entry.name !== 'node_modules') {
      found.push(...(await findFiles(path)));
    } else if (entry.isFile() && isHandwritten(entry.name)) {
      found.push(path);
    }
  }
  return found;
}

function isHandwritten(path: string): boolean {
  return (HANDWRITTEN_EXTENSIONS as readonly string[]).includes(extname(path));
}

/** A file to count, with the declared source directory it came from when outside the chain's own. */
interface Found {
  readonly path: string;
  readonly from?: string;
}

/** The hand-written files under `dirs`, in order, each as a chain's own. */
async function filesUnder(dirs: readonly string[]): Promise<Found[]> {
  const found: Found[] = [];
  for (const dir of dirs) for (const path of await findFiles(dir)) found.push({ path });
  return found;
}

/** Counts the hand-written hex and assembly under `dirs`; a file reached twice is counted once. */
export async function countHandwritten(dirs: readonly string[], base: string, arch: string): Promise<HandwrittenCount> {
  return tally(await filesUnder(dirs), base, arch);
}

/**
 * Counts what a loaded chain rests on: the files under its seeds directory and its own directory,
 * then every hand-written file a stage declares as an input (a `file:`, or one inside a `tree:`)
 * that lies elsewhere, marked with the declared source directory it comes from. A file declared by
 * several stages, or reached by two paths, is counted once.
 */
export async function countChainHandwritten(chain: Chain, seedsDir?: string): Promise<HandwrittenCount> {
  const own = seedsDir === undefined ? [chain.dir] : [seedsDir, chain.dir];
  const ownReal = await Promise.all(own.map((dir) => realpath(dir).catch(() => resolve(dir))));
  const found = await filesUnder(own);
  const declared: string[] = [...chain.seeds.values()].map((seed) => seed.sourcePath).filter(isHandwritten);
  for (const stage of chain.stages) {
    for (const input of stage.inputs) {
      if (input.origin.kind === 'file' && isHandwritten(input.origin.file)) declared.push(resolve(stage.dir, input.origin.file));
      else if (input.origin.kind === 'tree') declared.push(...(await findFiles(resolve(stage.dir, input.origin.tree))));
    }
  }
  const chainReal = await realpath(chain.dir);
  for (const path of declared) {
    const real = await realpath(path).catch(() => path);
    if (ownReal.some((dir) => isInside(dir, real))) continue;
    const root = chain.sourceRoots.find((dir) => isInside(dir, real)) ?? dirname(real);
    found.push({ path, from: relative(chainReal, root) });
  }
  return tally(found, chain.dir, chain.arch);
}

async function tally(found: readonly Found[], base: string, arch: string): Promise<HandwrittenCount> {
  const seen = new Set<string>();
  const files: HandwrittenFile[] = [];
  for (const { path, from } of found) {
    const real = await realpath(path);
    if (seen.has(real)) continue;
    seen.add(real);
    const lines = classifyLines(await readFile(path, 'utf8'));
    files.push({ path: relative(base, path), extension: extname(path), ...lines, ...(from === undefined ? {} : { from }) });
  }
  const byExtension: Record<string, { files: number; code: number; comment: number }> = {};
  for (const file of files) {
    const entry = (byExtension[file.extension] ??= { files: 0, code: 0, comment: 0 });
    entry.files += 1;
    entry.code += file.code;
    entry.comment += file.comment;
  }
  const sum = (list: readonly HandwrittenFile[], key: 'code' | 'comment' | 'blank'): number => list.reduce((n, f) => n + f[key], 0);
  const code = sum(files, 'code');
  const comment = sum(files, 'comment');
  const taken = files.filter((f) => f.from !== undefined);
  const fromSources =
    taken.length === 0
      ? undefined
      : {
          files: taken.length,
          code: sum(taken, 'code'),
          comment: sum(taken, 'comment'),
          total: sum(taken, 'code') + sum(taken, 'comment'),
        };
  const counted = code + comment - (fromSources?.total ?? 0);
  return {
    files,
    byExtension,
    code,
    comment,
    blank: sum(files, 'blank'),
    total: code + comment,
    ...(fromSources === undefined ? {} : { fromSources }),
    ...(arch === 'amd64'
      ? { stage0Posix: { lines: STAGE0_POSIX_HANDWRITTEN_LINES, counted, ratio: counted / STAGE0_POSIX_HANDWRITTEN_LINES } }
      : {}),
  };
}
