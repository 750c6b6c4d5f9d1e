// `kindling key generate`: a rebuilder's or log operator's Ed25519 key pair.
import type { Command } from 'commander';
import { defaultKeyName, generateKeyFiles } from '../attest/key-files.js';
import { formatPublicKey } from '../attest/keys.js';

export function register(program: Command): void {
  const key = program.command('key').description('Manage signing keys');
  key
    .command('generate')
    .description('Generate an Ed25519 key: FILE (private, mode 0600) and FILE.pub (public), in signed-note key format')
    .requiredOption('--out <file>', 'path of the private key file; the public key is written to <file>.pub')
    .option('--name <name>', 'key name used in signed notes (default: the file name without extension)')
    .action(async (options: { out: string; name?: string }) => {
      const files = await generateKeyFiles(options.out, options.name ?? defaultKeyName(options.out));
      process.stdout.write(
        `private key: ${files.privatePath} (mode 0600, keep it secret)\n` +
          `public key:  ${files.publicPath}\n` +
          `key id:      ${files.publicKey.keyId}\n` +
          `note key:    ${formatPublicKey(files.publicKey)}\n`,
      );
    });
}
