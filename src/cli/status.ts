// `kindling status`: which stages are verified in the store, and on what trusted base.
import type { Command } from 'commander';
import { loadChain } from '../manifest/chain.js';
import { chainStatus } from '../run/status.js';
import { Store } from '../store/store.js';
import { defaultChainDir, defaultStoreDir } from './options.js';
import { seconds } from './render/describe-event.js';

export function register(program: Command): void {
  program
    .command('status')
    .description('show which stages of a chain are verified in the store')
    .option('--chain <dir>', 'chain directory (holds chain.yaml)', defaultChainDir())
    .option('--store <dir>', 'content-addressed store', defaultStoreDir())
    .option('--json', 'print JSON')
    .action(async (flags: { chain: string; store: string; json?: boolean }) => {
      const chain = await loadChain(flags.chain);
      const store = await Store.open(flags.store);
      const statuses = await chainStatus(chain, store);
      if (flags.json) {
        process.stdout.write(JSON.stringify({ chain: chain.name, store: store.root, stages: statuses }, null, 2) + '\n');
        return;
      }
      const width = Math.max(...statuses.map((s) => s.stage.length), 5);
      process.stdout.write(`chain ${chain.name} (${chain.arch}), store ${store.root}\n`);
      for (const status of statuses) {
        const detail =
          status.problems !== undefined
            ? `NOT VERIFIED: ${status.problems.join('; ')}`
            : status.record === undefined
              ? 'not verified'
              : `verified  ${status.record.trustedBase.backend}  ${status.record.startedAt}  ${seconds(status.record.durationMs)}`;
        process.stdout.write(`  ${status.stage.padEnd(width)}  ${detail}\n`);
      }
      const bases = new Map<string, string>();
      for (const status of statuses) {
        for (const component of status.record?.trustedBase.components ?? []) {
          bases.set(
            `${status.record!.trustedBase.backend}/${component.name}`,
            [component.version, component.sha256 && `sha256 ${component.sha256}`].filter(Boolean).join(', '),
          );
        }
      }
      if (bases.size > 0) {
        process.stdout.write('trusted base of the verified results:\n');
        for (const [name, identity] of bases) process.stdout.write(`  ${name}: ${identity}\n`);
      }
      const verified = statuses.filter((s) => s.verified).length;
      process.stdout.write(`${verified} of ${statuses.length} stages verified\n`);
    });
}
