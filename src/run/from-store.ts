// Results taken from another store, so that one backend can run only some stages on what another
// backend built before them: CI builds the whole chain under bubblewrap, then runs the later
// stages it chooses under qemu (`bootstrap --sandbox qemu --from-store DIR --stages a,b`).
// A result is taken exactly as a cached one is reused: its record is read as hostile input and
// checked against the manifest, and every output is hashed again, here as it is copied. The record
// keeps the trusted base it was built on, so provenance says which backend made each result.
import { KindlingError } from '../errors.js';
import type { Stage } from '../manifest/types.js';
import type { Store } from '../store/store.js';
import { checkCache } from './cached-result.js';

/** A stage to be taken from the other store that it does not hold verified. */
export class NotInStoreError extends KindlingError {
  constructor(stage: string, from: string, why: string) {
    super('failed', `--from-store ${from}: stage ${stage} ${why}`);
    this.name = 'NotInStoreError';
  }
}

/**
 * Copies the verified results of `stages` from `from` into `to` (outputs first, the record last,
 * as a run writes them). Stages `to` already holds verified are left alone. Returns the names of
 * the stages copied.
 */
export async function takeFromStore(stages: readonly Stage[], from: Store, to: Store): Promise<string[]> {
  const taken: string[] = [];
  for (const stage of stages) {
    if ((await checkCache(stage, to)).kind === 'hit') continue;
    const check = await checkCache(stage, from);
    if (check.kind === 'miss') throw new NotInStoreError(stage.name, from.root, 'has no result there');
    if (check.kind === 'untrusted')
      throw new NotInStoreError(stage.name, from.root, `has a result there that is not used: ${check.problems.join('; ')}`);
    for (const output of stage.outputs) {
      const copied = await to.importFile(from.objectPath(output.sha256), output.sha256);
      if (!copied.ok) {
        throw new NotInStoreError(
          stage.name,
          from.root,
          `output ${output.path} changed while copied: sha256 ${copied.actual}, not ${copied.expected}`,
        );
      }
    }
    await to.writeRecord(check.record);
    taken.push(stage.name);
  }
  return taken;
}
