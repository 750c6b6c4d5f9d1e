// How many trusted signers must agree before a pulled result counts, when the user did not say.
// One signer is one machine's word: a pull that trusts it alone is no check at all, so the default
// asks for two independent signers, or a majority of the trusted keys when there are more than
// three (so that no minority of them can put a result into a store). Fewer than two trusted keys
// cannot meet any default: the user must ask for a threshold of one explicitly.
import { KindlingError } from '../errors.js';

export const MIN_DEFAULT_THRESHOLD = 2;

export interface ThresholdChoice {
  readonly threshold: number;
  /** One line for the user: the number, and whether it was chosen for them and why. */
  readonly explanation: string;
}

export function remoteThreshold(given: number | undefined, trustedKeys: number): ThresholdChoice {
  if (given !== undefined) {
    if (given > trustedKeys) {
      throw new KindlingError('usage', `--threshold ${given} can never be met: --trust holds ${trustedKeys} key(s)`);
    }
    return {
      threshold: given,
      explanation: `a pulled result counts when ${given} of the ${trustedKeys} trusted signers agree (--threshold)`,
    };
  }
  if (trustedKeys < MIN_DEFAULT_THRESHOLD) {
    throw new KindlingError(
      'usage',
      `--trust holds ${trustedKeys} key(s), and by default a pulled result needs ${MIN_DEFAULT_THRESHOLD} independent signers: add keys, or pass --threshold 1 to take one signer's word`,
    );
  }
  const threshold = Math.max(MIN_DEFAULT_THRESHOLD, Math.floor(trustedKeys / 2) + 1);
  return {
    threshold,
    explanation: `a pulled result counts when ${threshold} of the ${trustedKeys} trusted signers agree (the default: at least two, and a majority of the trusted keys; --threshold to change)`,
  };
}
