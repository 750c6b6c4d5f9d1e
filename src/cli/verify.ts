// `kindling verify`: do enough trusted rebuilders agree on every stage run?
import type { Command } from 'commander';
import { expectedFailureMessage } from '../attest/errors.js';
import { expectedChainOf } from '../attest/expected-chain.js';
import { loadEvidence } from '../attest/evidence.js';
import { loadTrustedKeys } from '../attest/key-files.js';
import { renderVerifyReport } from '../attest/render.js';
import { verifyEvidence, type VerifyReport } from '../attest/verify.js';
import { loadChainForCli } from './chain-loading.js';
import { CliFailure } from './failure.js';

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
      let report: VerifyReport;
      try {
        const trusted = await loadTrustedKeys(options.trust);
        const expected = options.chain === undefined ? undefined : expectedChainOf(await loadChainForCli(options.chain));
        report = verifyEvidence(await loadEvidence(options.attestations, trusted), options.threshold, expected);
      } catch (error) {
        const message = expectedFailureMessage(error);
        throw message === undefined ? error : new CliFailure(message);
      }
      process.stdout.write(options.json ? JSON.stringify(report, null, 2) + '\n' : renderVerifyReport(report));
      if (!report.accepted) {
        const refused = report.stages.filter((stage) => !stage.accepted).length;
        throw new CliFailure(report.stages.length === 0 ? 'no stage results found' : `${refused} of ${report.stages.length} stage run(s) not accepted`);
      }
    });
}

function parseThreshold(value: string): number {
  const threshold = Number(value);
  if (!/^[1-9][0-9]*$/.test(value) || !Number.isSafeInteger(threshold)) throw new CliFailure(`--threshold must be a whole number of at least 1, not ${JSON.stringify(value)}`, 2);
  return threshold;
}
