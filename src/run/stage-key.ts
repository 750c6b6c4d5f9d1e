// A stage's identity: its manifest's bytes and every input's path and hash. Two runs with the same
// key must produce the same outputs, which is what lets a verified result be reused.
import { sha256Bytes, type Sha256 } from '../digest.js';
import type { Stage } from '../manifest/types.js';

export function stageKey(stage: Stage): Sha256 {
  const inputs = [...stage.inputs].map((i) => [i.path, i.sha256]).sort(([a], [b]) => (a! < b! ? -1 : 1));
  return sha256Bytes(JSON.stringify({ manifest: stage.manifestSha256, inputs }));
}
