// Which stages of a chain already have a verified result in a store, and what that result trusted.
import type { Chain } from '../manifest/types.js';
import type { Store } from '../store/store.js';
import type { ProvenanceRecord } from './record.js';
import { checkCache } from './cached-result.js';
import { stageKey } from './stage-key.js';

export interface StageStatus {
  readonly stage: string;
  readonly stageKey: string;
  readonly verified: boolean;
  readonly record?: ProvenanceRecord;
  /** Why a result in the store is not counted as verified (a bad record, a corrupt object). */
  readonly problems?: readonly string[];
}

export async function chainStatus(chain: Chain, store: Store): Promise<StageStatus[]> {
  const statuses: StageStatus[] = [];
  for (const stage of chain.stages) {
    const check = await checkCache(stage, store);
    const base = { stage: stage.name, stageKey: stageKey(stage) };
    if (check.kind === 'hit') statuses.push({ ...base, verified: true, record: check.record });
    else if (check.kind === 'untrusted') statuses.push({ ...base, verified: false, problems: check.problems });
    else statuses.push({ ...base, verified: false });
  }
  return statuses;
}
