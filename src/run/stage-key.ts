// A stage's identity: its manifest's bytes and every input's path and hash. Two runs with the same
// key must produce the same outputs, which is what lets a verified result be reused.
import { sha256Bytes, type Sha256 } from '../digest.js';
import type { Stage } from '../manifest/types.js';

/** The key from its parts, as a record or a statement carries them. */
export function stageKeyOf(manifestSha256: Sha256, inputs: readonly { readonly path: string; readonly sha256: Sha256 }[]): Sha256 {
  const sorted = inputs.map((i) => [i.path, i.sha256]).sort(([a], [b]) => (a! < b! ? -1 : 1));
  return sha256Bytes(JSON.stringify({ manifest: manifestSha256, inputs: sorted }));
}

export function stageKey(stage: Stage): Sha256 {
  return stageKeyOf(stage.manifestSha256, stage.inputs);
}
