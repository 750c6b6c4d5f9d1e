// The question a bootstrap run asks before trusting a chain or a stage: has a threshold of trusted
// signers halted it? Reads a directory of signed statements; only trusted, valid signatures count.
import { loadEvidence } from './evidence.js';
import { evaluateHalts, type HaltVerdict } from './halt.js';
import { loadTrustedKeys } from './key-files.js';
import type { PublicKey } from './keys.js';

export interface CheckHaltsOptions {
  /** Directory of DSSE envelope files (searched recursively for *.json). */
  readonly attestationsDir: string;
  /** A trusted-keys file or directory, or keys already loaded (by key id). */
  readonly trust: string | ReadonlyMap<string, PublicKey>;
  readonly threshold: number;
  readonly chain: string;
  /** Absent: only halts of the whole chain are considered. */
  readonly stage?: string;
}

export async function checkHalts(options: CheckHaltsOptions): Promise<HaltVerdict> {
  const trusted = typeof options.trust === 'string' ? await loadTrustedKeys(options.trust) : options.trust;
  const evidence = await loadEvidence(options.attestationsDir, trusted);
  const target = options.stage === undefined ? { chain: options.chain } : { chain: options.chain, stage: options.stage };
  return evaluateHalts(evidence.halts, options.threshold, target);
}
