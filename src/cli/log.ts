// `kindling log`: an append-only, Merkle-tree log of signed statements with signed checkpoints.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { loadSigningKey, loadTrustedKeys } from '../attest/key-files.js';
import { addCosignatures, appendToLog, issueCheckpoint, proveConsistency, proveInclusion, verifyLog } from '../attest/log/log.js';
import { checkProof } from '../attest/log/check-proof.js';
import { parseCheckpoint } from '../attest/log/checkpoint.js';
import { parseNote } from '../attest/log/note.js';
import { formatProof } from '../attest/log/proof-text.js';
import { wholeNumber } from './flag-values.js';
import { KindlingError } from '../errors.js';
import { registerRemoteLog } from './log-remote.js';

const parseCount = wholeNumber(0, 1000);

export function register(program: Command): void {
  const log = program.command('log').description('Append-only log of stage results and halts, with signed checkpoints');

  log
    .command('append')
    .description('Append DSSE envelopes to the log (an envelope already in it is not added again)')
    .requiredOption('--log <dir>', 'log directory (created if missing)')
    .option('--origin <name>', "the log's origin line, set when the log is created")
    .argument('<envelope...>', 'envelope files')
    .action(async (envelopes: string[], options: { log: string; origin?: string }) => {
      const appended = await appendToLog(options.log, envelopes, options.origin);
      for (const entry of appended) {
        process.stdout.write(`${entry.duplicate ? 'already at' : 'appended at'} ${entry.index}: ${entry.file} (leaf ${entry.leafHash})\n`);
      }
    });

  log
    .command('checkpoint')
    .description('Sign a checkpoint of the whole log (C2SP tlog-checkpoint); co-signs when the tree is unchanged')
    .requiredOption('--log <dir>', 'log directory')
    .requiredOption('--key <file>', 'private key file (mode 0600)')
    .action(async (options: { log: string; key: string }) => {
      const key = await loadSigningKey(options.key);
      const issued = await issueCheckpoint(options.log, key);
      if (key.publicKey.name !== issued.checkpoint.origin) {
        process.stderr.write(
          `warning: the key is named ${JSON.stringify(key.publicKey.name)}, the log's origin is ${JSON.stringify(issued.checkpoint.origin)}: witnesses and check-proof take only a key named as the origin\n`,
        );
      }
      process.stdout.write(issued.note);
    });

  log
    .command('verify')
    .description('Recompute the tree, check the latest checkpoint, and that it extends an older checkpoint')
    .requiredOption('--log <dir>', 'log directory')
    .requiredOption('--trust <keys>', 'trusted public keys of the log (file or directory of *.pub)')
    .option('--checkpoint <file>', 'an older checkpoint kept elsewhere: the log must extend it')
    .option('--json', 'print the result as JSON')
    .action(async (options: { log: string; trust: string; checkpoint?: string; json?: boolean }) => {
      const trusted = await loadTrustedKeys(options.trust);
      const older = options.checkpoint === undefined ? undefined : await readFile(options.checkpoint, 'utf8');
      const result = await verifyLog(options.log, trusted, older);
      if (options.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
      else {
        if (result.origin !== '') process.stdout.write(`log ${result.origin}: ${result.size} entries\n`);
        if (result.checkpoint)
          process.stdout.write(
            `latest checkpoint: size ${result.checkpoint.size}, signed by ${result.checkpoint.signers.join(', ') || 'no trusted key'}\n`,
          );
        if (result.unsealed > 0)
          process.stdout.write(`${result.unsealed} entries after the latest checkpoint are not yet covered by a signature\n`);
        if (result.olderCheckpoint) {
          const verdict = {
            extended: 'extended by the latest (consistency proof verified)',
            'not-extended': 'NOT extended by the latest',
            unchecked: 'not checked',
          }[result.olderCheckpoint.status];
          process.stdout.write(`older checkpoint: size ${result.olderCheckpoint.size}, ${verdict}\n`);
        }
        for (const problem of result.problems) process.stdout.write(`problem: ${problem}\n`);
      }
      if (!result.ok) throw new KindlingError('failed', `log ${options.log} failed verification (${result.problems.length} problem(s))`);
    });

  registerRemoteLog(log);

  log
    .command('prove')
    .description(
      'Print an inclusion proof of an envelope (JSON, or C2SP tlog-proof), or a consistency proof from an older checkpoint, against the latest checkpoint',
    )
    .requiredOption('--log <dir>', 'log directory')
    .option('--tlog-proof', 'print the inclusion proof in the C2SP tlog-proof form, checkpoint included')
    .option('--since <checkpoint>', 'print a consistency proof from this older checkpoint instead')
    .argument('[envelope]', 'envelope file')
    .action(async (envelope: string | undefined, options: { log: string; tlogProof?: boolean; since?: string }) => {
      if (options.since !== undefined) {
        const older = parseCheckpoint(parseNote(await readFile(options.since, 'utf8')).text);
        const { proof, checkpoint } = await proveConsistency(options.log, older.size);
        process.stdout.write(formatProof({ kind: 'consistency', oldSize: older.size, proof, checkpoint }));
        return;
      }
      if (envelope === undefined) throw new KindlingError('usage', 'log prove needs an envelope, or --since <checkpoint>');
      const proof = await proveInclusion(options.log, await readFile(envelope));
      if (options.tlogProof) {
        const hashes = proof.proof.map((hash) => new Uint8Array(Buffer.from(hash, 'base64')));
        process.stdout.write(formatProof({ kind: 'inclusion', index: proof.index, proof: hashes, checkpoint: proof.checkpoint }));
      } else process.stdout.write(JSON.stringify(proof, null, 2) + '\n');
    });

  log
    .command('cosigned')
    .description("Add witnesses' cosignatures (notes of the latest checkpoint, as log witness writes them) to the latest checkpoint")
    .requiredOption('--log <dir>', 'log directory')
    .argument('<note...>', 'cosigned checkpoint files')
    .action(async (notes: string[], options: { log: string }) => {
      const given = await Promise.all(notes.map(async (file) => ({ label: file, text: await readFile(file, 'utf8') })));
      const result = await addCosignatures(options.log, given);
      for (const file of result.skipped) process.stderr.write(`warning: ${file} is about another checkpoint; skipped\n`);
      process.stdout.write(`added ${result.added.length} signature(s)${result.added.length > 0 ? `: ${result.added.join(', ')}` : ''}\n`);
    });

  log
    .command('check-proof')
    .description('Check a proof written by log prove (tlog-proof inclusion, or consistency) against trusted log and witness keys, offline')
    .requiredOption('--trust <keys>', "trusted public keys of the log (the key's name must be the log's origin)")
    .option('--witnesses <keys>', 'trusted public keys of witnesses')
    .option('--witness-threshold <k>', 'cosignatures of distinct trusted witnesses the checkpoint must carry', parseCount, 0)
    .option('--entry <file>', 'the entry an inclusion proof is about')
    .option('--checkpoint <file>', 'the older checkpoint a consistency proof starts from')
    .argument('<proof>', 'proof file')
    .action(
      async (
        proofFile: string,
        options: { trust: string; witnesses?: string; witnessThreshold: number; entry?: string; checkpoint?: string },
      ) => {
        if (options.witnessThreshold > 0 && options.witnesses === undefined)
          throw new KindlingError('usage', '--witness-threshold needs --witnesses');
        const policy = {
          logKeys: await loadTrustedKeys(options.trust),
          ...(options.witnesses === undefined ? {} : { witnesses: await loadTrustedKeys(options.witnesses) }),
          witnessThreshold: options.witnessThreshold,
        };
        const check = checkProof(await readFile(proofFile, 'utf8'), proofFile, policy, {
          ...(options.entry === undefined ? {} : { entry: new Uint8Array(await readFile(options.entry)) }),
          ...(options.checkpoint === undefined
            ? {}
            : { olderCheckpoint: { text: await readFile(options.checkpoint, 'utf8'), label: options.checkpoint } }),
        });
        const cosigned = check.witnesses.length > 0 ? `, cosigned by ${check.witnesses.join(', ')}` : '';
        process.stdout.write(
          check.kind === 'inclusion'
            ? `ok: ${options.entry} is entry ${check.at} of ${check.origin} at size ${check.size}, signed by ${check.signer}${cosigned}\n`
            : `ok: ${check.origin} at size ${check.size} extends the checkpoint of size ${check.at}, signed by ${check.signer}${cosigned}\n`,
        );
      },
    );
}
