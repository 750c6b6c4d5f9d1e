// `kindling verify`: do enough trusted rebuilders agree on every stage run?
import type { Command } from 'commander';
import { KindlingError } from '../errors.js';
import { expectedChainOf } from '../attest/expected-chain.js';
import { loadEvidence } from '../attest/evidence.js';
import { loadTrustedKeys } from '../attest/key-files.js';
import { renderVerifyReport } from '../attest/render.js';
import { verifyEvidence } from '../attest/verify.js';
import { loadChain } from '../manifest/chain.js';
import { wholeNumber } from './flag-values.js';

export function register(program: Command): void {
  program
    .command('verify')
    .description('Accept each stage run that at least K trusted rebuilders signed with identical outputs')
    .requiredOption('--attestations <dir>', 'directory of DSSE envelopes (searched recursively for *.json)')
    .requiredOption('--trust <keys>', 'trusted public keys: a file (one key a line) or a directory of *.pub files')
    .requiredOption('--threshold <k>', 'number of distinct trusted signers that must agree', parseThreshold)
    .option('--chain <dir>', 'chain directory: report in its build order; refuse statements about other manifests or inputs')
    .option('--json', 'print the report as JSON')
    .action(async (options: { attestations: string; trust: string; threshold: number; chain?: string; json?: boolean }) => {
      const trusted = await loadTrustedKeys(options.trust);
      const expected = options.chain === undefined ? undefined : expectedChainOf(await loadChain(options.chain));
      const report = verifyEvidence(await loadEvidence(options.attestations, trusted), options.threshold, expected);
      process.stdout.write(options.json ? JSON.stringify(report, null, 2) + '\n' : renderVerifyReport(report));
      if (!report.accepted) {
        const refused = report.stages.filter((stage) => !stage.accepted).length;
        throw new KindlingError(
          'failed',
          report.stages.length === 0 ? 'no stage results found' : `${refused} of ${report.stages.length} stage run(s) not accepted`,
        );
      }
    });
}

/** A threshold of trusted signers: at least one. */
export const parseThreshold = wholeNumber(1, 1000);
