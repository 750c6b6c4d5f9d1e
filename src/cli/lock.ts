// `kindling lock`: run the chain once trusting what it produces, write those hashes into the
// manifests, and check each by a second run (src/lock/lock.ts says how).
import { relative } from 'node:path';
import type { Command } from 'commander';
import { sha256Value } from './flag-values.js';
import { lockChain, type HashChange } from '../lock/lock.js';
import { readEnvironment } from '../environment.js';
import { KindlingError } from '../errors.js';
import { loadChain } from '../manifest/chain.js';
import { withInterrupts } from '../run/interrupt.js';
import type { AccelChoice } from '../sandbox/accel.js';
import { resolveSourceSettings } from '../sources/settings.js';
import { Store } from '../store/store.js';
import { accelOption, collectRepeated, defaultChainDir, defaultStoreDir, jobsOption, sandboxOption, type SandboxName } from './options.js';
import { describeEvent } from './render/describe-event.js';
import { sandboxFromFlags } from './sandbox-choice.js';

interface LockFlags {
  chain: string;
  store: string;
  sandbox: SandboxName;
  jobs: number;
  until?: string;
  kernel?: string;
  kernelSha256?: string;
  accel?: AccelChoice;
  distfiles: string[];
  mirror: string[];
}

export function register(program: Command): void {
  program
    .command('lock')
    .description("write the hashes that real runs produce into the chain's manifests, each checked by a second run")
    .option('--chain <dir>', 'chain directory (holds chain.yaml)', defaultChainDir())
    .option('--store <dir>', 'content-addressed store for verified results', defaultStoreDir())
    .addOption(sandboxOption('isolation backend: bwrap or qemu').default('bwrap'))
    .addOption(jobsOption())
    .option('--until <stage>', 'lock only this stage and the stages it depends on')
    .option('--kernel <file>', 'guest kernel for the qemu backend')
    .option('--kernel-sha256 <sha256>', 'the sha256 the guest kernel must have (else $KINDLING_KERNEL_SHA256, else its pin)', sha256Value)
    .addOption(accelOption())
    .option('--distfiles <dir>', 'directory of upstream sources to use before any download (repeatable)', collectRepeated, [])
    .option('--mirror <url>', "mirror for upstream sources, tried before the manifests' URLs (repeatable)", collectRepeated, [])
    .action(async (flags: LockFlags) => {
      const store = await Store.open(flags.store);
      // The backend is made for the chain's architecture; the hashes it is to write may still disagree.
      const { arch } = await loadChain(flags.chain, { crossStageHashes: false });
      const sandbox = await sandboxFromFlags(flags, arch);
      const write = (text: string): void => void process.stdout.write(text);
      const sourceSettings = await resolveSourceSettings({ distfiles: flags.distfiles, mirrors: flags.mirror }, readEnvironment());
      const result = await withInterrupts((signal) =>
        lockChain({
          chainDir: flags.chain,
          store,
          sandbox,
          jobs: flags.jobs,
          signal,
          ...(flags.until === undefined ? {} : { until: flags.until }),
          sources: sourceSettings,
          onEvent: (event) => {
            // Cached stages are not news while locking; a first run whose outputs differ from the
            // manifest is what lock is for, so it is not shown as a failure.
            if (event.type === 'stage-verified' && event.cached) return;
            if (event.type === 'stage-failed' && event.outcome.failures.every((f) => f.reason === 'output-mismatch')) {
              write(`${event.stage}: ran; ${event.outcome.failures.length} output hash(es) to write, then a second run to check them\n`);
              return;
            }
            write(describeEvent(event) + '\n');
          },
          onChange: (change) => write(describeChange(change) + '\n'),
        }),
      );
      if (!result.ok) throw new KindlingError('failed', `${result.message}; ${countHashes(result.changes.length)} written so far`);
      const stages = result.run.stages.length;
      write(
        `chain locked: ${countHashes(result.changes.length)} written; ${stages} stage${stages === 1 ? '' : 's'} verified (${result.run.trustedBase?.backend ?? 'already in the store'})\n`,
      );
    });
}

function describeChange(change: HashChange): string {
  const file = relative(process.cwd(), change.manifestPath) || change.manifestPath;
  return `${file}: ${change.field} (${change.path}) ${change.from.slice(0, 12)}… → ${change.to.slice(0, 12)}… (${change.because})`;
}

function countHashes(n: number): string {
  return `${n} hash${n === 1 ? '' : 'es'}`;
}
