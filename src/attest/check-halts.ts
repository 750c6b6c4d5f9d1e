// The question a bootstrap run asks before trusting a chain or a stage: has a threshold of trusted
// signers halted it? Reads a directory of signed statements; only trusted, valid signatures count.
import { loadEvidence } from './evidence.js';
import { evaluateHalts, haltSubjectName, type ActiveHalt, type HaltVerdict, type SignedHalt } from './halt.js';
import { loadTrustedKeys } from './key-files.js';
import type { PublicKey } from './keys.js';
import { compareText } from './statement.js';

export interface CheckHaltsOptions {
  /** Directory of DSSE envelope files (searched recursively for *.json). */
  readonly attestationsDir: string;
  /** A trusted-keys file or directory, or keys already loaded (by key id). */
  readonly trust: string | ReadonlyMap<string, PublicKey>;
  readonly threshold: number;
  readonly chain: string;
  /**
   * Given: the halts that stop this stage (its own and the chain's). Absent: every halt within the
   * chain, of the whole chain or of any of its stages (see each halt's scope.stage).
   */
  readonly stage?: string;
}

export async function checkHalts(options: CheckHaltsOptions): Promise<HaltVerdict> {
  const trusted = typeof options.trust === 'string' ? await loadTrustedKeys(options.trust) : options.trust;
  const evidence = await loadEvidence(options.attestationsDir, trusted);
  if (options.stage !== undefined) return evaluateHalts(evidence.halts, options.threshold, { chain: options.chain, stage: options.stage });
  return haltsWithinChain(evidence.halts, options.threshold, options.chain);
}

/** Pure: every halt of the chain or of one of its stages, each scope judged on its own. */
export function haltsWithinChain(signed: readonly SignedHalt[], threshold: number, chain: string): HaltVerdict {
  const stages = new Set<string>();
  for (const halt of signed) if (halt.predicate.chain === chain && halt.predicate.stage !== undefined) stages.add(halt.predicate.stage);
  const halts = new Map<string, ActiveHalt>();
  const belowThreshold = new Map<string, ActiveHalt>();
  for (const target of [{ chain }, ...[...stages].map((stage) => ({ chain, stage }))]) {
    const verdict = evaluateHalts(signed, threshold, target);
    for (const halt of verdict.halts) halts.set(haltSubjectName(halt.scope), halt);
    for (const halt of verdict.belowThreshold) belowThreshold.set(haltSubjectName(halt.scope), halt);
  }
  const sorted = (map: Map<string, ActiveHalt>): ActiveHalt[] =>
    [...map.entries()].sort(([a], [b]) => compareText(a, b)).map(([, halt]) => halt);
  return { halted: halts.size > 0, halts: sorted(halts), belowThreshold: sorted(belowThreshold) };
}
