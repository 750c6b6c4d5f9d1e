// What `verify` expects of a chain: its stages in build order, each with its manifest hash and stage
// key, taken from the loaded chain. A statement about another manifest or other inputs is refused.
import type { Sha256 } from '../digest.js';
import type { Chain } from '../manifest/types.js';
import type { RecordedFile } from '../run/record.js';
import { stageKey, stageKeyOf as runStageKeyOf } from '../run/stage-key.js';

export interface ExpectedStage {
  readonly name: string;
  readonly manifestSha256: Sha256;
  /** Absent: any stage key whose statement is self-consistent (see stageKeyOf) is taken. */
  readonly stageKey?: Sha256;
}

export interface ExpectedChain {
  readonly name: string;
  readonly stages: readonly ExpectedStage[];
}

export function expectedChainOf(chain: Chain): ExpectedChain {
  return {
    name: chain.name,
    stages: chain.stages.map((stage) => ({ name: stage.name, manifestSha256: stage.manifestSha256, stageKey: stageKey(stage) })),
  };
}

/**
 * The stage key a run of this manifest with these inputs has, by the runner's own definition: a
 * statement whose stage key differs was not made from a record of that run.
 */
export function stageKeyOf(manifestSha256: Sha256, inputs: readonly RecordedFile[]): Sha256 {
  return runStageKeyOf(manifestSha256, inputs);
}
