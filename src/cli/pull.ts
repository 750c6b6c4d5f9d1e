// `kindling pull`: take verified results from a remote store instead of building them, on the word
// of a threshold of trusted signers; every object re-hashed, anything doubtful left to build here.
import type { Command } from 'commander';
import { loadTrustedKeys } from '../attest/key-files.js';
import { pullResults, type PullReport } from '../remote/pull.js';
import { remoteThreshold } from '../remote/threshold.js';
import { selectStages } from '../run/bootstrap.js';
import { Store } from '../store/store.js';
import { loadChain } from '../manifest/chain.js';
import { defaultChainDir, defaultStoreDir } from './options.js';
import { parseThreshold } from './verify.js';
import { addRemoteLimitFlags, remoteClientFromFlags, type RemoteFlags } from './remote-flags.js';

interface PullFlags extends RemoteFlags {
  remote: string;
  chain: string;
  store: string;
  trust: string;
  threshold?: number;
  until?: string;
  json?: boolean;
}

export function register(program: Command): void {
  const command = program
    .command('pull')
    .description(
      'Take results from a remote store that enough trusted rebuilders agree on; every object is re-hashed, anything else is left to build',
    )
    .requiredOption('--remote <url>', 'remote store (Bazel HTTP cache layout)')
    .requiredOption('--trust <keys>', 'trusted public keys: a file (one key a line) or a directory of *.pub files')
    .option(
      '--threshold <k>',
      'number of distinct trusted signers that must agree on a result (default: 2, or a majority of --trust if more)',
      parseThreshold,
    )
    .option('--chain <dir>', 'chain directory (holds chain.yaml)', defaultChainDir())
    .option('--store <dir>', 'store to put the results in', defaultStoreDir())
    .option('--until <stage>', 'only this stage and the stages it depends on')
    .option('--json', 'print the report as JSON');
  addRemoteLimitFlags(command).action(async (flags: PullFlags) => {
    const chain = await loadChain(flags.chain);
    const stages = selectStages(chain, flags.until);
    const client = remoteClientFromFlags(flags.remote, flags);
    let report: PullReport;
    try {
      const trusted = await loadTrustedKeys(flags.trust);
      const choice = remoteThreshold(flags.threshold, trusted.size);
      process.stderr.write(`remote: ${choice.explanation}\n`);
      const store = await Store.open(flags.store);
      report = await pullResults({
        chain,
        stages,
        store,
        client,
        trusted,
        threshold: choice.threshold,
        onWarning: (message) => void process.stderr.write(`warning: ${message}\n`),
      });
    } finally {
      await client.close();
    }
    if (flags.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    else process.stdout.write(renderPull(report));
  });
}

export function renderPull(report: PullReport): string {
  const lines = report.stages.map((entry) =>
    entry.status === 'pulled'
      ? `${entry.stage}: taken from the remote (agreed by ${entry.signers.join(', ')})`
      : entry.status === 'present'
        ? `${entry.stage}: already verified in the store`
        : `${entry.stage}: to be built here (${entry.reason})`,
  );
  for (const disagreement of report.disagreements) {
    lines.push(
      `disagreement: ${disagreement.stage} ${disagreement.path}: manifest ${disagreement.expected}, ${disagreement.signers.join(', ')} ${disagreement.claimed ?? '(missing)'}; evidence in ${disagreement.evidenceFile}`,
    );
  }
  const pulled = report.stages.filter((entry) => entry.status === 'pulled').length;
  lines.push(
    `${pulled} of ${report.stages.length} stage(s) taken from ${report.remote} (${report.bytesDown} bytes in ${report.requests} requests)`,
  );
  return lines.join('\n') + '\n';
}
