// `kindling log`: an append-only, Merkle-tree log of signed statements with signed checkpoints.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { loadSigningKey, loadTrustedKeys } from '../attest/key-files.js';
import { appendToLog, issueCheckpoint, proveInclusion, verifyLog } from '../attest/log/log.js';
import { KindlingError } from '../errors.js';
import { registerRemoteLog } from './log-remote.js';

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
    .description("Sign a checkpoint of the whole log (C2SP tlog-checkpoint); co-signs when the tree is unchanged")
    .requiredOption('--log <dir>', 'log directory')
    .requiredOption('--key <file>', 'private key file (mode 0600)')
    .action(async (options: { log: string; key: string }) => {
      const issued = await issueCheckpoint(options.log, await loadSigningKey(options.key));
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
        if (result.checkpoint) process.stdout.write(`latest checkpoint: size ${result.checkpoint.size}, signed by ${result.checkpoint.signers.join(', ') || 'no trusted key'}\n`);
        if (result.unsealed > 0) process.stdout.write(`${result.unsealed} entries after the latest checkpoint are not yet covered by a signature\n`);
        if (result.olderCheckpoint) {
          const verdict = { extended: 'extended by the latest (consistency proof verified)', 'not-extended': 'NOT extended by the latest', unchecked: 'not checked' }[result.olderCheckpoint.status];
          process.stdout.write(`older checkpoint: size ${result.olderCheckpoint.size}, ${verdict}\n`);
        }
        for (const problem of result.problems) process.stdout.write(`problem: ${problem}\n`);
      }
      if (!result.ok) throw new KindlingError('failed', `log ${options.log} failed verification (${result.problems.length} problem(s))`);
    });

  registerRemoteLog(log);

  log
    .command('prove')
    .description('Print an inclusion proof of an envelope against the latest checkpoint')
    .requiredOption('--log <dir>', 'log directory')
    .argument('<envelope>', 'envelope file')
    .action(async (envelope: string, options: { log: string }) => {
      const proof = await proveInclusion(options.log, await readFile(envelope));
      process.stdout.write(JSON.stringify(proof, null, 2) + '\n');
    });
}

