// Paths inside a stage root. A manifest path is always relative, already normal, and can never
// leave the root: checked here, textually, before any file is touched.
import { posix } from 'node:path';
import { ManifestError } from './errors.js';

/** Returns the problem with `path` as a stage-root path, or undefined when it is acceptable. */
export function stageRootPathProblem(path: string): string | undefined {
  if (path === '') return 'is empty';
  if (path.includes('\0')) return 'contains a NUL byte';
  if (path.includes('\\')) return 'contains a backslash; use / between directories';
  if (path.startsWith('/')) return 'is absolute; paths are relative to the stage root';
  const segments = path.split('/');
  if (segments.includes('..')) return "contains '..' and could leave the stage root";
  if (segments.some((s) => s === '' || s === '.')) return 'is not in normal form (empty or "." segment)';
  if (posix.normalize(path) !== path) return 'is not in normal form';
  return undefined;
}

export function checkStageRootPath(file: string, field: string, path: unknown): string {
  if (typeof path !== 'string') throw new ManifestError(file, field, 'must be a string path');
  const problem = stageRootPathProblem(path);
  if (problem !== undefined) throw new ManifestError(file, field, `'${path}' ${problem}`);
  return path;
}

/** True when one path is a directory prefix of the other ("bin" and "bin/hex0"): both cannot exist. */
export function pathsOverlap(a: string, b: string): boolean {
  return a === b || a.startsWith(b + '/') || b.startsWith(a + '/');
}
