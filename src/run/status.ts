// Which stages of a chain already have a verified result in a store, and what that result trusted.
import type { Chain } from '../manifest/types.js';
import type { Store } from '../store/store.js';
import type { ProvenanceRecord } from './record.js';
import { cachedResult } from './run-stage.js';
import { stageKey } from './stage-key.js';

export interface StageStatus {
  readonly stage: string;
  readonly stageKey: string;
  readonly verified: boolean;
  readonly record?: ProvenanceRecord;
}

export async function chainStatus(chain: Chain, store: Store): Promise<StageStatus[]> {
  const statuses: StageStatus[] = [];
  for (const stage of chain.stages) {
    const record = await cachedResult(stage, store);
    statuses.push({ stage: stage.name, stageKey: stageKey(stage), verified: record !== undefined, ...(record === undefined ? {} : { record }) });
  }
  return statuses;
}
