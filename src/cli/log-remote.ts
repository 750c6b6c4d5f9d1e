// `kindling log publish|follow`: a log on a remote store, as static files under log/.
import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { loadSigningKey, loadTrustedKeys } from '../attest/key-files.js';
import { cosignatureVerifierKey } from '../attest/log/cosignature.js';
import { witnessRemoteLog, type WitnessResult } from '../remote/witness.js';
import { followLog, type FollowResult } from '../remote/log-follow.js';
import { publishLog } from '../remote/log-publish.js';
import { KindlingError } from '../errors.js';
import { wholeNumber } from './flag-values.js';
import { addRemoteLimitFlags, remoteClientFromFlags, type RemoteFlags } from './remote-flags.js';

export function registerRemoteLog(log: Command): void {
  const publish = log
    .command('publish')
    .description('Upload the log to a remote store as static files under log/ (only what the remote lacks; the checkpoint last)')
    .requiredOption('--log <dir>', 'log directory')
    .requiredOption('--remote <url>', 'remote store');
  addRemoteLimitFlags(publish).action(async (options: RemoteFlags & { log: string; remote: string }) => {
    const client = remoteClientFromFlags(options.remote, options);
    try {
      const published = await publishLog(options.log, client);
      process.stdout.write(
        `published ${published.entriesSent} new entr${published.entriesSent === 1 ? 'y' : 'ies'}; the remote log now holds ${published.size}\n`,
      );
    } finally {
      await client.close();
    }
  });

  const follow = log
    .command('follow')
    .description("Check a remote log's new checkpoint extends the one last seen here (kept in --state), and that given entries are in it")
    .requiredOption('--remote <url>', 'remote store holding the log under log/')
    .requiredOption('--trust <keys>', 'trusted public keys of the log (file or directory of *.pub)')
    .requiredOption('--state <dir>', 'where the last verified checkpoint and its leaf hashes are kept')
    .option('--witnesses <keys>', 'trusted public keys of witnesses')
    .option('--witness-threshold <k>', 'cosignatures of distinct trusted witnesses the remote checkpoint must carry', wholeNumber(1, 1000))
    .option('--json', 'print the result as JSON')
    .argument('[envelope...]', 'entries (DSSE envelope files) that must be in the log; an inclusion proof is checked for each');
  addRemoteLimitFlags(follow).action(
    async (
      envelopes: string[],
      options: RemoteFlags & {
        remote: string;
        trust: string;
        state: string;
        witnesses?: string;
        witnessThreshold?: number;
        json?: boolean;
      },
    ) => {
      if ((options.witnesses === undefined) !== (options.witnessThreshold === undefined))
        throw new KindlingError('usage', '--witnesses and --witness-threshold go together');
      const client = remoteClientFromFlags(options.remote, options);
      let result: FollowResult;
      try {
        const trusted = await loadTrustedKeys(options.trust);
        const entries = await Promise.all(envelopes.map(async (file) => ({ label: file, bytes: new Uint8Array(await readFile(file)) })));
        const witnesses =
          options.witnesses === undefined
            ? undefined
            : { keys: await loadTrustedKeys(options.witnesses), threshold: options.witnessThreshold ?? 1 };
        result = await followLog(client, trusted, options.state, entries, witnesses);
      } finally {
        await client.close();
      }
      process.stdout.write(options.json ? JSON.stringify(result, null, 2) + '\n' : renderFollow(result));
      if (!result.ok) throw new KindlingError('failed', `remote log ${result.origin}: ${result.problems[0] ?? result.status}`);
    },
  );

  const witness = log
    .command('witness')
    .description(
      "Cosign (tlog-cosignature/v1) a remote log's checkpoint after proving from its tiles that it extends the one this witness last cosigned",
    )
    .requiredOption('--remote <url>', 'remote store holding the log under log/')
    .requiredOption('--trust <keys>', "trusted public keys of the log (the key's name must be the log's origin)")
    .requiredOption('--key <file>', "the witness's private key file (mode 0600)")
    .requiredOption('--state <dir>', 'where the last checkpoint cosigned for each log is kept')
    .option('--out <file>', 'write the cosigned checkpoint here (for the operator: kindling log cosigned)')
    .option('--json', 'print the result as JSON');
  addRemoteLimitFlags(witness).action(
    async (options: RemoteFlags & { remote: string; trust: string; key: string; state: string; out?: string; json?: boolean }) => {
      const client = remoteClientFromFlags(options.remote, options);
      const key = await loadSigningKey(options.key);
      let result: WitnessResult;
      try {
        result = await witnessRemoteLog(client, { logKeys: await loadTrustedKeys(options.trust) }, key, options.state);
      } finally {
        await client.close();
      }
      if (result.ok && options.out !== undefined) await writeFile(options.out, result.cosigned!);
      if (options.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
      else if (result.ok) {
        process.stdout.write(
          `cosigned ${result.origin} at size ${result.size} (${result.status}); verifier key of this cosignature: ${cosignatureVerifierKey(key.publicKey)}\n`,
        );
      } else {
        const lines = [`REFUSED to cosign ${result.origin} at size ${result.size}`];
        if (result.kept !== undefined) lines.push('checkpoint cosigned before:', ...indent(result.kept));
        lines.push('checkpoint the remote serves now:', ...indent(result.remote));
        process.stdout.write(lines.join('\n') + '\n');
      }
      if (!result.ok) throw new KindlingError('failed', `witness: ${result.problem ?? 'refused'}`);
    },
  );
}

function renderFollow(result: FollowResult): string {
  const lines: string[] = [];
  const verdict = {
    first: 'first checkpoint seen here, every entry checked against it',
    unchanged: 'unchanged since the checkpoint kept here',
    extended: `extends the checkpoint kept here (consistency proof of ${result.consistencyProof?.length ?? 0} hashes verified)`,
    rewritten: 'REWRITTEN: it does not extend the checkpoint kept here',
    inconsistent: 'INCONSISTENT: its entries do not match its own checkpoint',
    unwitnessed: 'NOT WITNESSED: too few trusted witnesses cosigned it; nothing else was checked',
  }[result.status];
  lines.push(
    `log ${result.origin}: size ${result.remote.size}, signed by ${result.remote.signers.join(', ')}: ${verdict} (${result.entriesFetched} entries fetched)`,
  );
  if (result.firstChangedEntry !== undefined) lines.push(`first changed entry: ${result.firstChangedEntry}`);
  for (const inclusion of result.inclusions) {
    lines.push(
      inclusion.index === undefined
        ? `${inclusion.label}: NOT in the log`
        : `${inclusion.label}: entry ${inclusion.index}, inclusion proof of ${inclusion.proof?.length ?? 0} hashes ${inclusion.verified ? 'verified' : 'FAILED'}`,
    );
  }
  if (!result.ok && result.kept !== undefined) {
    lines.push('checkpoint kept here:', ...indent(result.kept.note), 'checkpoint the remote serves now:', ...indent(result.remote.note));
  }
  for (const problem of result.problems) lines.push(`problem: ${problem}`);
  return lines.join('\n') + '\n';
}

function indent(note: string): string[] {
  return note
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => `  ${line}`);
}
