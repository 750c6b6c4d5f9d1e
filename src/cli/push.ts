// `kindling push`: publish the verified results of this store (and halts) on a remote store.
import type { Command } from 'commander';
import { loadSigningKey } from '../attest/key-files.js';
import { pushHalts, pushResults } from '../remote/push.js';
import { Store } from '../store/store.js';
import { KindlingError } from '../errors.js';
import { defaultStoreDir } from './options.js';
import { addRemoteLimitFlags, remoteClientFromFlags, type RemoteFlags } from './remote-flags.js';

interface PushFlags extends RemoteFlags {
  remote: string;
  store: string;
  key: string;
  halt?: string[];
  json?: boolean;
}

export function register(program: Command): void {
  const command = program
    .command('push')
    .description("Upload this store's verified results, each with a statement signed by --key, to a remote store (Bazel HTTP cache layout)")
    .requiredOption('--remote <url>', 'remote store: any server taking PUT and GET under cas/ and ac/ (nginx with WebDAV, bazel-remote)')
    .requiredOption('--key <file>', 'your private key (mode 0600): each result is published as your statement')
    .option('--store <dir>', 'store whose results to publish', defaultStoreDir())
    .option(
      '--halt <file>',
      'also publish a halt or release statement you signed (repeatable)',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('--json', 'print the report as JSON');
  addRemoteLimitFlags(command).action(async (flags: PushFlags) => {
    const client = remoteClientFromFlags(flags.remote, flags);
    try {
      const key = await loadSigningKey(flags.key);
      const store = await Store.open(flags.store);
      const report = await pushResults(store, client, key);
      const halts = flags.halt === undefined ? [] : await pushHalts(flags.halt, client, key);
      if (flags.json) {
        process.stdout.write(
          JSON.stringify({ ...report, halts, bytesUp: client.counts.bytesUp, requests: client.counts.requests }, null, 2) + '\n',
        );
      } else {
        for (const result of report.results) {
          process.stdout.write(
            `pushed ${result.chain}/${result.stage} (${result.objectsSent} object(s) sent, ${result.objectsPresent} already there)\n`,
          );
        }
        for (const skipped of report.skipped) process.stdout.write(`skipped ${skipped.file}: ${skipped.reason}\n`);
        for (const halt of halts) process.stdout.write(`published ${halt.added} halt/release statement(s) for chain ${halt.chain}\n`);
        process.stdout.write(
          `${report.results.length} result(s) signed by ${key.publicKey.name} on ${client.base.toString()} (${client.counts.bytesUp} bytes sent)\n`,
        );
      }
      if (report.results.length === 0 && halts.length === 0) throw new KindlingError('failed', `nothing to push from ${store.root}`);
    } finally {
      await client.close();
    }
  });
}
