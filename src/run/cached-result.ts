// Whether the store holds a verified result for a stage that can be reused, judged from what the
// store holds now, not from what it once held: the record is read as hostile input and checked
// against the manifest, and every output it names is re-hashed. A result that fails any check is
// not reused; the reasons say what was wrong so that the run, status and audit can name it.
import type { Sha256 } from '../digest.js';
import type { Stage } from '../manifest/types.js';
import type { Store } from '../store/store.js';
import type { ProvenanceRecord } from './record.js';
import { recordDisagreements } from './record-schema.js';
import { stageKey } from './stage-key.js';

export type CacheCheck =
  | { readonly kind: 'hit'; readonly record: ProvenanceRecord }
  | { readonly kind: 'miss' }
  | {
      readonly kind: 'untrusted';
      /** One line each: what is wrong with the stored result. */
      readonly problems: readonly string[];
      /** The record file, when it is the record itself that is wrong (malformed or disagreeing). */
      readonly badRecord?: string;
      /** Stored outputs whose bytes are not their name. */
      readonly badObjects: readonly Sha256[];
    };

export async function checkCache(stage: Stage, store: Store): Promise<CacheCheck> {
  const read = await store.readRecord(stageKey(stage));
  if (read.state === 'absent') return { kind: 'miss' };
  if (read.state === 'invalid') {
    return { kind: 'untrusted', problems: [`its record ${read.path} ${read.problem}`], badRecord: read.path, badObjects: [] };
  }
  const disagreements = recordDisagreements(read.record, stage);
  if (disagreements.length > 0) {
    return { kind: 'untrusted', problems: disagreements.map((d) => `its record ${read.path}: ${d}`), badRecord: read.path, badObjects: [] };
  }
  const problems: string[] = [];
  const badObjects: Sha256[] = [];
  for (const output of stage.outputs) {
    const object = await store.checkObject(output.sha256);
    if (object.state === 'ok') continue;
    if (object.state === 'missing') problems.push(`output ${output.path} (sha256 ${output.sha256}) is no longer in the store`);
    else if (object.state === 'not-a-file')
      problems.push(`output ${output.path}: the store object ${store.objectPath(output.sha256)} is not a regular file`);
    else problems.push(`output ${output.path}: the stored object has sha256 ${object.actual} (${object.size} bytes), not ${output.sha256}`);
    if (object.state !== 'missing') badObjects.push(output.sha256);
  }
  return problems.length === 0 ? { kind: 'hit', record: read.record } : { kind: 'untrusted', problems, badObjects };
}

/** The verified record for this stage, only if the store holds it whole (see checkCache). */
export async function cachedResult(stage: Stage, store: Store): Promise<ProvenanceRecord | undefined> {
  const check = await checkCache(stage, store);
  return check.kind === 'hit' ? check.record : undefined;
}
