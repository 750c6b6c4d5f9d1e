// `kindling seeds verify`: check that every seed binary is exactly what its commented source
// assembles to, that SHA256SUMS agrees, and that the hex0 seed reproduces itself.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { renderSeedsReport } from '../seeds/render.js';
import { verifySeeds } from '../seeds/verify.js';
import { CliFailure } from './failure.js';

const DEFAULT_SEEDS_DIR = 'seeds/amd64';

export function register(program: Command): void {
  const seeds = program.command('seeds').description('check the seed binaries against their sources');
  seeds
    .command('verify')
    .description('assemble each seed source two ways (TypeScript, and the hex0 seed itself) and compare with the binary and SHA256SUMS')
    .option('--seeds <dir>', 'seeds directory (<name> and <name>.hex0 pairs, SHA256SUMS)', DEFAULT_SEEDS_DIR)
    .option('--json', 'print the report as JSON')
    .action(async (flags: { seeds: string; json?: boolean }) => {
      const report = await verifySeeds(resolve(flags.seeds));
      process.stdout.write(flags.json ? JSON.stringify(report, null, 2) + '\n' : renderSeedsReport(report));
      if (!report.ok) throw new CliFailure(`seeds in ${report.dir} do not agree with their sources and hashes`, 1);
    });
}
