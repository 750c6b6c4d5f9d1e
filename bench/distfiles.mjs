// Where the benchmarks find the upstream tarballs kept for offline use: the directories of
// $KINDLING_DISTFILES, read as kindling reads it, then shared/distfiles beside the checkout (the
// tests' own lookup is test/support/distfiles.ts).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readEnvironment } from '../dist/environment.js';

export const DISTFILES = [...readEnvironment().distfiles, new URL('../../shared/distfiles', import.meta.url).pathname].filter((dir) =>
  existsSync(dir),
);

/** The first copy of tarball `name` in those directories, or undefined. */
export function findDistfile(name) {
  return DISTFILES.map((dir) => join(dir, name)).find((path) => existsSync(path));
}
