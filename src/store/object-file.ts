// Where a store keeps the bytes of a sha256: objects/<its first two hex digits>/<sha256>. The Store
// writes and reads there; the audit and attestations also read the objects directories of stores
// they did not open.
import { join } from 'node:path';
import type { Sha256 } from '../digest.js';
import { pathExists } from '../path-exists.js';

export function objectFile(objectsDir: string, sha256: Sha256): string {
  return join(objectsDir, sha256.slice(0, 2), sha256);
}

/** The object's path in the first of `objectsDirs` that holds it, or undefined when none does. */
export async function findObjectFile(objectsDirs: readonly string[], sha256: Sha256): Promise<string | undefined> {
  for (const dir of objectsDirs) {
    const path = objectFile(dir, sha256);
    if (await pathExists(path)) return path;
  }
  return undefined;
}
