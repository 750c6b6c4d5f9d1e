// `kindling bootstrap`: run a chain, every stage verified, results kept in the store.
import type { Command } from 'commander';
import { bootstrap, selectStages, summarize, UnknownStageError } from '../run/bootstrap.js';
import { checkHalts } from '../attest/check-halts.js';
import { describeHalt } from '../attest/halt.js';
import { ensureSources, SourcesUnavailableError } from '../sources/ensure.js';
import { resolveSourceSettings } from '../sources/settings.js';
import { Store } from '../store/store.js';
import { loadChainForCli } from './chain-loading.js';
import { CliFailure } from './failure.js';
import { checkSandboxName, sandboxFromFlags } from './sandbox-choice.js';
import { collectRepeated, defaultChainDir, defaultSandbox, defaultStoreDir, parseJobs, type SandboxName } from './options.js';
import { jsonRenderer } from './render/json.js';
import { plainRenderer } from './render/plain.js';
import type { ChainRenderer } from './render/renderer.js';
import { taskListRenderer } from './render/task-list.js';
import { loadTrustedKeys } from '../attest/key-files.js';
import { pullResults } from '../remote/pull.js';
import { cachedResult } from '../run/run-stage.js';
import type { Chain, Stage } from '../manifest/types.js';
import { addRemoteLimitFlags, remoteClientFromFlags, remoteFailure, type RemoteFlags } from './remote-flags.js';
import { renderPull } from './pull.js';

interface BootstrapFlags extends RemoteFlags {
  chain: string;
  store: string;
  sandbox: SandboxName;
  jobs: number;
  until?: string;
  json?: boolean;
  kernel?: string;
  accel?: 'kvm' | 'tcg' | 'auto';
  distfiles: string[];
  mirror: string[];
  halts?: string;
  trust?: string;
  threshold: number;
}


export function register(program: Command): void {
  const command = program
    .command('bootstrap')
    .description('run a chain from its seeds, checking every input and output against the manifests')
    .option('--chain <dir>', 'chain directory (holds chain.yaml)', defaultChainDir())
    .option('--store <dir>', 'content-addressed store for verified results', defaultStoreDir())
    .option('--sandbox <name>', 'isolation backend: qemu (a VM per stage) or bwrap', defaultSandbox())
    .option('--jobs <n>', 'stages to run side by side', parseJobs, 1)
    .option('--until <stage>', 'run only this stage and the stages it depends on')
    .option('--kernel <file>', 'guest kernel for the qemu backend')
    .option('--accel <mode>', 'qemu acceleration: kvm, tcg or auto', 'auto')
    .option('--distfiles <dir>', 'directory of upstream sources to use before any download (repeatable)', collectRepeated, [])
    .option('--mirror <url>', 'mirror for upstream sources, tried before the manifests\' URLs (repeatable)', collectRepeated, [])
    .option('--halts <dir>', 'signed statements to obey: a halt of the chain or of a stage by trusted signers stops the run')
    .option('--trust <keys>', 'trusted public keys (file or directory) for --halts')
    .option('--threshold <k>', 'trusted signers needed for a halt to count, and with --remote to agree on a result', parseJobs, 1)
    .option('--remote <url>', 'take results that --threshold --trust signers agree on from this remote store instead of building them')
    .option('--json', 'print JSON lines instead of a task list');
  addRemoteLimitFlags(command)
    .action(async (flags: BootstrapFlags) => {
      checkSandboxName(flags.sandbox);
      const chain = await loadChainForCli(flags.chain);
      const store = await Store.open(flags.store);
      const sandbox = await sandboxFromFlags(flags, chain.arch);
      const write = (text: string): void => void process.stdout.write(text);
      const renderer: ChainRenderer = flags.json
        ? jsonRenderer(write)
        : process.stdout.isTTY
          ? taskListRenderer()
          : plainRenderer(write);

      // Ctrl-C stops the running stages cleanly; what was verified stays in the store.
      const abort = new AbortController();
      const onSignal = (): void => abort.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        let stages;
        try {
          stages = selectStages(chain, flags.until);
        } catch (error) {
          if (error instanceof UnknownStageError) throw new CliFailure(error.message, 2);
          throw error;
        }
        await refuseHalted(flags, chain.name, stages.map((s) => s.name));
        if (flags.remote !== undefined) await pullFirst(flags, flags.remote, chain, stages, store);
        // Upstream sources are needed only by the stages still to build.
        const toBuild: Stage[] = [];
        for (const stage of stages) if ((await cachedResult(stage, store)) === undefined) toBuild.push(stage);
        // Every upstream source the selected stages need is fetched first, or the run fails before
        // any stage starts, naming every source that could not be had.
        const sourceSettings = await resolveSourceSettings({ distfiles: flags.distfiles, mirrors: flags.mirror }, process.env);
        try {
          await ensureSources({ ...chain, stages: toBuild }, store, {
            distfiles: sourceSettings.distfiles,
            mirrors: sourceSettings.mirrors,
            proxy: sourceSettings.proxy,
            signal: abort.signal,
          });
        } catch (error) {
          if (error instanceof SourcesUnavailableError) throw new CliFailure(error.message, 1);
          throw error;
        }
        renderer.start(stages);
        const result = await bootstrap({
          chain,
          store,
          sandbox,
          jobs: flags.jobs,
          signal: abort.signal,
          ...(flags.until === undefined ? {} : { until: flags.until }),
          onEvent: (event) => renderer.event(event),
        });
        await renderer.finish();
        if (flags.json) write(JSON.stringify(summarize(result)) + '\n');
        if (!result.ok) {
          const failed = [...result.outcomes.values()].filter((o) => o.status === 'failed');
          throw new CliFailure(
            abort.signal.aborted
              ? 'interrupted; verified stages are kept in the store, run the same command again to resume'
              : `chain '${chain.name}' stopped at stage ${failed.map((f) => f.stage).join(', ')}; verified stages are kept in ${store.root}`,
            abort.signal.aborted ? 130 : 1,
          );
        }
        if (!flags.json) write(`chain '${chain.name}': ${result.stages.length} stages verified (${result.trustedBase.backend}); store: ${store.root}\n`);
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}

/**
 * A chain or stage halted by enough trusted signers is not run, and its results are not accepted,
 * until they release it. The refusal names who halted what, and why.
 */
async function refuseHalted(flags: BootstrapFlags, chain: string, stages: readonly string[]): Promise<void> {
  if (flags.halts === undefined) return;
  if (flags.trust === undefined) throw new CliFailure('--halts needs --trust: only halts signed by trusted keys count', 2);
  const verdict = await checkHalts({ attestationsDir: flags.halts, trust: flags.trust, threshold: flags.threshold, chain });
  const relevant = verdict.halts.filter((h) => h.scope.stage === undefined || stages.includes(h.scope.stage));
  if (relevant.length > 0) throw new CliFailure(`refusing to run:\n  ${relevant.map(describeHalt).join('\n  ')}`, 1);
}

/** With --remote: take what the trusted signers agree on before building anything. */
async function pullFirst(flags: BootstrapFlags, remote: string, chain: Chain, stages: readonly Stage[], store: Store): Promise<void> {
  if (flags.trust === undefined) throw new CliFailure('--remote needs --trust: only results signed by trusted keys count', 2);
  const client = remoteClientFromFlags(remote, flags);
  try {
    const trusted = await loadTrustedKeys(flags.trust);
    const report = await pullResults({
      chain,
      stages,
      store,
      client,
      trusted,
      threshold: flags.threshold,
      onWarning: (message) => void process.stderr.write(`warning: ${message}\n`),
    });
    if (flags.json) process.stdout.write(JSON.stringify({ type: 'pull-finished', ...report }) + '\n');
    else process.stderr.write(renderPull(report));
  } catch (error) {
    throw remoteFailure(error);
  } finally {
    await client.close();
  }
}
