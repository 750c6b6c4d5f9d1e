// How much code in the chain is written by hand in hex and assembly: the part nobody can rebuild
// from a higher-level source, so the part every auditor must read. Files ending .hex0, .hex1,
// .hex2, .M0 or .M1 under the seeds directory and the chain directory are counted, each line as
// code, comment only, or blank.
import { readdir, readFile, realpath } from 'node:fs/promises';
import { extname, join, relative } from 'node:path';

/**
 * stage0-posix's hand-written code from hex0 to cc_amd64 for AMD64, about 7,800 lines: the figure
 * the chain is measured against.
 */
export const STAGE0_POSIX_HANDWRITTEN_LINES = 7800;

export const HANDWRITTEN_EXTENSIONS = ['.hex0', '.hex1', '.hex2', '.M0', '.M1'] as const;

export interface HandwrittenFile {
  /** Relative to the directory it was found under (the chain or the seeds directory's parent). */
  readonly path: string;
  readonly extension: string;
  readonly code: number;
  readonly comment: number;
  readonly blank: number;
}

export interface HandwrittenCount {
  readonly files: readonly HandwrittenFile[];
  readonly byExtension: Readonly<Record<string, { readonly files: number; readonly code: number; readonly comment: number }>>;
  readonly code: number;
  readonly comment: number;
  readonly blank: number;
  /** Code plus comment-only lines: the lines a reader goes through. */
  readonly total: number;
  /**
   * stage0-posix's line count and total / that count, for an amd64 chain only: the figure is
   * stage0-posix's AMD64 path, and another architecture's hand-written code is not comparable to it.
   */
  readonly stage0Posix?: { readonly lines: number; readonly ratio: number };
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

async function findFiles(dir: string, skip: ReadonlySet<string>): Promise<string[]> {
  const found: string[] = [];
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return found;
  }
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && !entry.name.startsWith('.') && entry.name !== 'node_modules' && !skip.has(entry.name)) {
      found.push(...(await findFiles(path, skip)));
    } else if (entry.isFile() && (HANDWRITTEN_EXTENSIONS as readonly string[]).includes(extname(entry.name))) {
      found.push(path);
    }
  }
  return found;
}

/** Counts the hand-written hex and assembly under `dirs`; a file reached twice is counted once. */
export async function countHandwritten(dirs: readonly string[], base: string, arch: string): Promise<HandwrittenCount> {
  const seen = new Set<string>();
  const files: HandwrittenFile[] = [];
  for (const dir of dirs) {
    for (const path of await findFiles(dir, new Set())) {
      const real = await realpath(path);
      if (seen.has(real)) continue;
      seen.add(real);
      const lines = classifyLines(await readFile(path, 'utf8'));
      files.push({ path: relative(base, path), extension: extname(path), ...lines });
    }
  }
  const byExtension: Record<string, { files: number; code: number; comment: number }> = {};
  for (const file of files) {
    const entry = (byExtension[file.extension] ??= { files: 0, code: 0, comment: 0 });
    entry.files += 1;
    entry.code += file.code;
    entry.comment += file.comment;
  }
  const sum = (key: 'code' | 'comment' | 'blank'): number => files.reduce((n, f) => n + f[key], 0);
  const code = sum('code');
  const comment = sum('comment');
  return {
    files,
    byExtension,
    code,
    comment,
    blank: sum('blank'),
    total: code + comment,
    ...(arch === 'amd64'
      ? { stage0Posix: { lines: STAGE0_POSIX_HANDWRITTEN_LINES, ratio: (code + comment) / STAGE0_POSIX_HANDWRITTEN_LINES } }
      : {}),
  };
}
