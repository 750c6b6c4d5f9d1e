// `kindling attest`: sign one in-toto statement per provenance record; `attest halt|release`: sign
// a statement halting (or lifting a halt on) a chain or one of its stages.
import type { Command } from 'commander';
import { attestHalt, attestRecords } from '../attest/attest.js';
import type { HaltAction } from '../attest/halt.js';
import { loadSigningKey } from '../attest/key-files.js';
import { KindlingError } from '../errors.js';

export function register(program: Command): void {
  const attest = program
    .command('attest')
    .description('Sign an in-toto statement (DSSE envelope) for every provenance record in a directory')
    .option('--records <dir>', "directory of provenance records (a store's stages/ directory)")
    .option('--key <file>', 'private key file (mode 0600)')
    .option('--out <dir>', 'directory to write the envelopes to')
    .action(async (options: { records?: string; key?: string; out?: string }) => {
      if (options.records === undefined || options.key === undefined || options.out === undefined) {
        throw new KindlingError('usage', 'attest needs --records DIR, --key FILE and --out DIR (or a halt/release subcommand)');
      }
      const key = await loadSigningKey(options.key);
      const written = await attestRecords(options.records, key, options.out);
      for (const entry of written) process.stdout.write(`${entry.path}\n`);
      process.stdout.write(`signed ${written.length} statement(s) as ${key.publicKey.name} (key id ${key.publicKey.keyId})\n`);
    });
  for (const action of ['halt', 'release'] as const satisfies readonly HaltAction[]) {
    attest
      .command(action)
      .description(
        action === 'halt'
          ? 'Sign a statement halting a chain or one stage of it'
          : 'Sign a statement lifting your halt of a chain or stage',
      )
      .requiredOption('--chain <name>', 'chain name')
      .option('--stage <name>', 'stage name (default: the whole chain)')
      .requiredOption('--reason <text>', 'why, in words an auditor will read')
      .option('--key <file>', 'private key file (mode 0600)')
      .option('--out <dir>', 'directory to write the envelope to')
      .action(async (_options: unknown, command: Command) => {
        // `attest` itself has --key and --out, and the program-level parser hands them to it even
        // when written after `halt`: read them from the merged options of both commands.
        const options = command.optsWithGlobals<{ chain: string; stage?: string; reason: string; key?: string; out?: string }>();
        if (options.key === undefined || options.out === undefined)
          throw new KindlingError('usage', `attest ${action} needs --key FILE and --out DIR`);
        const { key: keyFile, out } = options;
        const key = await loadSigningKey(keyFile);
        const scope = options.stage === undefined ? { chain: options.chain } : { chain: options.chain, stage: options.stage };
        const written = await attestHalt(action, scope, options.reason, key, out);
        process.stdout.write(`${written.path}\n`);
      });
  }
}
