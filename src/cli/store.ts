// `kindling store verify [--repair]`: re-hash every object in the store and re-read every record.
// With --repair, whatever is bad is moved aside into corrupt/ and made again: sources fetched, the
// chain's stages run (their verified results skipped), and the store checked once more.
import type { Command } from 'commander';
import { sha256Value } from './flag-values.js';
import { readEnvironment } from '../environment.js';
import { KindlingError } from '../errors.js';
import { loadChain } from '../manifest/chain.js';
import { withInterrupts } from '../run/interrupt.js';
import { runChain } from '../run/run-chain.js';
import type { AccelChoice } from '../sandbox/accel.js';
import { resolveSourceSettings } from '../sources/settings.js';
import { Store } from '../store/store.js';
import { describeBadObject, setAsideBad, verifyStore, type StoreVerifyReport } from '../store/verify-store.js';
import { accelOption, collectRepeated, defaultChainDir, defaultStoreDir, jobsOption, sandboxOption, type SandboxName } from './options.js';
import { plainRenderer } from './render/plain.js';
import { sandboxFromFlags } from './sandbox-choice.js';

interface VerifyFlags {
  store: string;
  repair?: boolean;
  chain: string;
  sandbox: SandboxName;
  kernel?: string;
  kernelSha256?: string;
  accel?: AccelChoice;
  jobs: number;
  distfiles: string[];
  mirror: string[];
  json?: boolean;
}

function describeReport(report: StoreVerifyReport): string {
  const megabytes = report.bytes / 1e6;
  const rate = report.durationMs > 0 ? ` (${((report.bytes / 1e6 / report.durationMs) * 1000).toFixed(0)} MB/s)` : '';
  const lines = [
    ...report.badObjects.map((bad) => `bad object ${describeBadObject(bad)}`),
    ...report.badRecords.map((bad) => `bad record ${bad.path}: ${bad.problem}`),
    `${report.objects} objects (${megabytes.toFixed(1)} MB) re-hashed and ${report.records} records read in ${Math.round(report.durationMs)} ms${rate}: ` +
      `${report.badObjects.length} bad objects, ${report.badRecords.length} bad records`,
  ];
  return lines.join('\n') + '\n';
}

function isClean(report: StoreVerifyReport): boolean {
  return report.badObjects.length === 0 && report.badRecords.length === 0;
}

export function register(program: Command): void {
  const store = program.command('store').description('the content-addressed store');
  store
    .command('verify')
    .description('re-hash every object and re-read every record; --repair moves the bad ones aside and makes them again')
    .option('--store <dir>', 'content-addressed store', defaultStoreDir())
    .option('--repair', 'move bad objects and records aside, then fetch and run the chain to make them again')
    .option('--chain <dir>', 'chain directory, for --repair', defaultChainDir())
    .addOption(sandboxOption())
    .option('--kernel <file>', 'guest kernel for the qemu backend')
    .option('--kernel-sha256 <sha256>', 'the sha256 the guest kernel must have (else $KINDLING_KERNEL_SHA256, else its pin)', sha256Value)
    .addOption(accelOption())
    .addOption(jobsOption('stages to run side by side during --repair'))
    .option('--distfiles <dir>', 'directory of upstream sources for --repair (repeatable)', collectRepeated, [])
    .option('--mirror <url>', 'mirror for upstream sources for --repair (repeatable)', collectRepeated, [])
    .option('--json', 'print JSON')
    .action(async (flags: VerifyFlags) => {
      const opened = await Store.open(flags.store);
      const write = (text: string): void => void process.stdout.write(text);
      const first = await verifyStore(opened);
      if (!flags.repair || isClean(first)) {
        write(flags.json ? JSON.stringify({ ok: isClean(first), ...first }) + '\n' : describeReport(first));
        if (!isClean(first))
          throw new KindlingError(
            'failed',
            `the store ${opened.root} holds damaged objects or records; run kindling store verify --repair`,
          );
        return;
      }
      if (!flags.json) write(describeReport(first));
      const chain = await loadChain(flags.chain);
      const sandbox = await sandboxFromFlags(flags, chain.arch);
      const moved = await setAsideBad(opened, first);
      if (!flags.json) for (const { from, to } of moved) write(`moved aside: ${from} -> ${to}\n`);
      const settings = await resolveSourceSettings({ distfiles: flags.distfiles, mirrors: flags.mirror }, readEnvironment());
      const renderer = plainRenderer(flags.json ? () => undefined : write);
      // The chain's run makes again what was moved aside: sources fetched, stages without a whole result run.
      const result = await withInterrupts((signal) =>
        runChain({
          chain,
          store: opened,
          sandbox,
          jobs: flags.jobs,
          sources: { distfiles: settings.distfiles, mirrors: settings.mirrors, proxy: settings.proxy },
          signal,
          onEvent: (event) => renderer.event(event),
        }),
      );
      const after = await verifyStore(opened);
      // An object no stage and no source of this chain makes cannot be made again: it stays aside.
      const restored = first.badObjects.filter((bad) => after.badObjects.every((b) => b.path !== bad.path));
      if (flags.json) {
        write(JSON.stringify({ ok: result.ok && isClean(after), before: first, movedAside: moved, rebuilt: result.ok, after }) + '\n');
      } else {
        write(describeReport(after));
      }
      if (!result.ok) throw new KindlingError('failed', `repair: the chain '${chain.name}' did not run to the end; the store is not whole`);
      if (!isClean(after)) throw new KindlingError('failed', 'repair: the store still holds damaged objects or records');
      if (!flags.json)
        write(
          `repaired: ${moved.length} bad entries moved aside, the chain's ${result.stages.length} stages verified, ${restored.length} objects in place again\n`,
        );
    });
}
