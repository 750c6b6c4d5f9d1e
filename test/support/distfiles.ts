// Where tests find the upstream tarballs kept for offline use: the directories of
// $KINDLING_DISTFILES (read as kindling reads it), then shared/distfiles beside the checkout, as CI
// lays it out. Never a path of one machine.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readEnvironment } from '../../src/environment.js';
import { REPO } from './cli.js';

/** Every candidate directory, in the order they are searched. */
export function distfilesCandidates(): string[] {
  return [...readEnvironment().distfiles, join(REPO, '..', 'shared', 'distfiles')];
}

/** The candidates that exist, for kindling's --distfiles (each may hold some of the tarballs). */
export function distfilesDirs(): string[] {
  return distfilesCandidates().filter((dir) => existsSync(dir));
}

/** The first candidate with a SHA256SUMS; throws naming every place looked in when there is none. */
export function distfilesDir(): string {
  const candidates = distfilesCandidates();
  const found = candidates.find((dir) => existsSync(join(dir, 'SHA256SUMS')));
  if (found === undefined) {
    throw new Error(`the upstream tarballs are missing: no SHA256SUMS in ${candidates.join(' or ')} (set KINDLING_DISTFILES)`);
  }
  return found;
}
