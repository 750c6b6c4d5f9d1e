// `kindling seeds verify`: check that every seed binary, of every architecture, is exactly what its
// commented source assembles to, that SHA256SUMS agrees, and that the hex0 seed reproduces itself.
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { renderSeedsReport } from '../seeds/render.js';
import { verifySeeds } from '../seeds/verify.js';
import { KindlingError } from '../errors.js';
import { collectRepeated } from './options.js';

/** Every architecture's seeds live in a directory of their own under seeds/. */
const SEEDS_ROOT = 'seeds';

async function defaultSeedsDirs(): Promise<string[]> {
  const entries = await readdir(SEEDS_ROOT, { withFileTypes: true }).catch(() => []);
  const dirs = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(SEEDS_ROOT, entry.name))
    .sort();
  if (dirs.length === 0) throw new KindlingError('usage', `no seeds directories in ${resolve(SEEDS_ROOT)}; give --seeds DIR`);
  return dirs;
}

export function register(program: Command): void {
  const seeds = program.command('seeds').description('check the seed binaries against their sources');
  seeds
    .command('verify')
    .description('assemble each seed source two ways (TypeScript, and the hex0 seed itself) and compare with the binary and SHA256SUMS')
    .option(
      '--seeds <dir>',
      'a seeds directory (<name> and <name>.hex0 pairs, SHA256SUMS); repeatable; default: every directory in seeds/',
      collectRepeated,
      [],
    )
    .option('--json', 'print the report as JSON')
    .action(async (flags: { seeds: string[]; json?: boolean }) => {
      const dirs = flags.seeds.length > 0 ? flags.seeds : await defaultSeedsDirs();
      const reports = [];
      for (const dir of dirs) reports.push(await verifySeeds(resolve(dir)));
      process.stdout.write(
        flags.json
          ? JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2) + '\n'
          : reports.map(renderSeedsReport).join('\n'),
      );
      const failed = reports.filter((report) => !report.ok);
      if (failed.length > 0)
        throw new KindlingError(
          'failed',
          `seeds in ${failed.map((report) => report.dir).join(', ')} do not agree with their sources and hashes`,
        );
    });
}
