// Loading a chain for a command: a manifest error becomes a CLI failure that names file and field.
import { ManifestError } from '../manifest/errors.js';
import { loadChain } from '../manifest/chain.js';
import type { Chain } from '../manifest/types.js';
import { CliFailure } from './failure.js';

export const EXIT_MANIFEST_ERROR = 2;

export async function loadChainForCli(dir: string): Promise<Chain> {
  try {
    return await loadChain(dir);
  } catch (error) {
    if (error instanceof ManifestError) throw new CliFailure(error.message, EXIT_MANIFEST_ERROR);
    throw error;
  }
}
