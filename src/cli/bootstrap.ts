// `kindling bootstrap`: run a chain, every stage verified, results kept in the store.
import { InvalidArgumentError, type Command } from 'commander';
import { summarize, type BootstrapResult } from '../run/bootstrap.js';
import { withInterrupts } from '../run/interrupt.js';
import { runChain } from '../run/run-chain.js';
import { resolveSourceSettings } from '../sources/settings.js';
import { Store } from '../store/store.js';
import { readEnvironment } from '../environment.js';
import { KindlingError } from '../errors.js';
import { loadChain } from '../manifest/chain.js';
import type { AccelChoice } from '../sandbox/accel.js';
import { sandboxFromFlags } from './sandbox-choice.js';
import { sha256Value } from './flag-values.js';
import { accelOption, collectRepeated, defaultChainDir, defaultStoreDir, jobsOption, sandboxOption, type SandboxName } from './options.js';
import { parseThreshold } from './verify.js';
import { jsonRenderer } from './render/json.js';
import { plainRenderer } from './render/plain.js';
import type { ChainRenderer } from './render/renderer.js';
import { taskListRenderer } from './render/task-list.js';
import { loadTrustedKeys } from '../attest/key-files.js';
import { pullResults } from '../remote/pull.js';
import { remoteThreshold } from '../remote/threshold.js';
import type { Chain, Stage } from '../manifest/types.js';
import { addRemoteLimitFlags, remoteClientFromFlags, type RemoteFlags } from './remote-flags.js';
import { renderPull } from './pull.js';

interface BootstrapFlags extends RemoteFlags {
  chain: string;
  store: string;
  sandbox: SandboxName;
  jobs: number;
  until?: string;
  stages?: string[];
  fromStore?: string;
  json?: boolean;
  kernel?: string;
  kernelSha256?: string;
  accel?: AccelChoice;
  distfiles: string[];
  mirror: string[];
  halts?: string;
  trust?: string;
  threshold?: number;
}

export function register(program: Command): void {
  const command = program
    .command('bootstrap')
    .description('run a chain from its seeds, checking every input and output against the manifests')
    .option('--chain <dir>', 'chain directory (holds chain.yaml)', defaultChainDir())
    .option('--store <dir>', 'content-addressed store for verified results', defaultStoreDir())
    .addOption(sandboxOption())
    .addOption(jobsOption())
    .option('--until <stage>', 'run only this stage and the stages it depends on')
    .option('--stages <a,b,...>', 'run only these stages and the stages they depend on', commaList)
    .option('--from-store <dir>', 'with --stages: take the stages they depend on, verified, from this store instead of running them')
    .option('--kernel <file>', 'guest kernel for the qemu backend')
    .option('--kernel-sha256 <sha256>', 'the sha256 the guest kernel must have (else $KINDLING_KERNEL_SHA256, else its pin)', sha256Value)
    .addOption(accelOption())
    .option('--distfiles <dir>', 'directory of upstream sources to use before any download (repeatable)', collectRepeated, [])
    .option('--mirror <url>', "mirror for upstream sources, tried before the manifests' URLs (repeatable)", collectRepeated, [])
    .option('--halts <dir>', 'signed statements to obey: a halt of the chain or of a stage by trusted signers stops the run')
    .option('--trust <keys>', 'trusted public keys (file or directory) for --halts')
    .option(
      '--threshold <k>',
      'trusted signers needed for a halt to count (default 1), and with --remote to agree on a result (default: 2, or a majority of --trust if more)',
      parseThreshold,
    )
    .option('--remote <url>', 'take results that --threshold --trust signers agree on from this remote store instead of building them')
    .option('--json', 'print JSON lines instead of a task list');
  addRemoteLimitFlags(command).action(async (flags: BootstrapFlags) => {
    if (flags.halts !== undefined && flags.trust === undefined) {
      throw new KindlingError('usage', '--halts needs --trust: only halts signed by trusted keys count');
    }
    if (flags.until !== undefined && flags.stages !== undefined) throw new KindlingError('usage', 'give --until or --stages, not both');
    if (flags.fromStore !== undefined && flags.stages === undefined) {
      throw new KindlingError(
        'usage',
        '--from-store needs --stages: the stages to run here, the ones they depend on coming from the other store',
      );
    }
    const chain = await loadChain(flags.chain);
    const remote = flags.remote === undefined ? undefined : await remoteSettings(flags, flags.remote);
    const store = await Store.open(flags.store);
    const fromStore = flags.fromStore === undefined ? undefined : await Store.open(flags.fromStore);
    const sandbox = await sandboxFromFlags(flags, chain.arch);
    const sources = await resolveSourceSettings({ distfiles: flags.distfiles, mirrors: flags.mirror }, readEnvironment());
    const write = (text: string): void => void process.stdout.write(text);
    const renderer: ChainRenderer = flags.json ? jsonRenderer(write) : process.stdout.isTTY ? taskListRenderer() : plainRenderer(write);
    let started = false;
    const result = await withInterrupts((signal) =>
      runChain({
        chain,
        store,
        sandbox,
        jobs: flags.jobs,
        sources: { distfiles: sources.distfiles, mirrors: sources.mirrors, proxy: sources.proxy },
        signal,
        ...(flags.until === undefined ? {} : { until: flags.until }),
        ...(flags.stages === undefined ? {} : { until: flags.stages }),
        ...(fromStore === undefined ? {} : { fromStore, onTaken: (taken: readonly string[]) => reportTaken(flags, taken, fromStore) }),
        ...(flags.halts === undefined || flags.trust === undefined
          ? {}
          : { halts: { attestationsDir: flags.halts, trust: flags.trust, threshold: flags.threshold ?? 1 } }),
        ...(remote === undefined ? {} : { prepare: (stages: readonly Stage[]) => pullFirst(flags, remote, chain, stages, store) }),
        onReady: (stages) => {
          started = true;
          renderer.start(stages);
        },
        onEvent: (event) => renderer.event(event),
      }).finally(() => (started ? renderer.finish() : undefined)),
    );
    if (flags.json) write(JSON.stringify(summarize(result)) + '\n');
    if (!result.ok) {
      const failed = [...result.outcomes.values()].filter((o) => o.status === 'failed');
      throw new KindlingError(
        'failed',
        `chain '${chain.name}' stopped at stage ${failed.map((f) => f.stage).join(', ')}; verified stages are kept in ${store.root}`,
      );
    }
    if (!flags.json) write(`chain '${chain.name}': ${describeVerified(result)}; store: ${store.root}\n`);
  });
}
/**
 * How many stages ran and under which backend, and how many were already in the store: a run in
 * which nothing ran says so, rather than naming a backend that did nothing.
 */
export function describeVerified(result: BootstrapResult): string {
  const cached = [...result.outcomes.values()].filter((o) => o.status === 'verified' && o.cached).length;
  const ran = result.stages.length - cached;
  const stages = (n: number): string => `${n} stage${n === 1 ? '' : 's'}`;
  const parts: string[] = [];
  if (ran > 0) parts.push(`${stages(ran)} verified (${result.trustedBase?.backend ?? 'unknown backend'})`);
  if (cached > 0) parts.push(`${stages(cached)} already in the store`);
  return parts.join(', ') || 'no stages';
}

/** --stages a,b: names separated by commas. */
function commaList(value: string): string[] {
  const names = value.split(',').map((name) => name.trim());
  if (names.some((name) => name === '')) throw new InvalidArgumentError('give stage names separated by commas.');
  return names;
}

function reportTaken(flags: BootstrapFlags, taken: readonly string[], from: Store): void {
  if (flags.json) process.stdout.write(JSON.stringify({ type: 'taken-from-store', store: from.root, stages: taken }) + '\n');
  else if (taken.length > 0) process.stderr.write(`taken verified from ${from.root}: ${taken.join(', ')}\n`);
}

interface RemoteSettings {
  readonly url: string;
  readonly trusted: Awaited<ReturnType<typeof loadTrustedKeys>>;
  readonly threshold: number;
}

/** Checked before anything runs: a threshold that cannot be met is a usage error, the chosen one is said. */
async function remoteSettings(flags: BootstrapFlags, url: string): Promise<RemoteSettings> {
  if (flags.trust === undefined) throw new KindlingError('usage', '--remote needs --trust: only results signed by trusted keys count');
  const trusted = await loadTrustedKeys(flags.trust);
  const choice = remoteThreshold(flags.threshold, trusted.size);
  process.stderr.write(`remote: ${choice.explanation}\n`);
  return { url, trusted, threshold: choice.threshold };
}

/** With --remote: take what the trusted signers agree on before building anything. */
async function pullFirst(
  flags: BootstrapFlags,
  remote: RemoteSettings,
  chain: Chain,
  stages: readonly Stage[],
  store: Store,
): Promise<void> {
  const client = remoteClientFromFlags(remote.url, flags);
  try {
    const report = await pullResults({
      chain,
      stages,
      store,
      client,
      trusted: remote.trusted,
      threshold: remote.threshold,
      onWarning: (message) => void process.stderr.write(`warning: ${message}\n`),
    });
    if (flags.json) process.stdout.write(JSON.stringify({ type: 'pull-finished', ...report }) + '\n');
    else process.stderr.write(renderPull(report));
  } finally {
    await client.close();
  }
}
