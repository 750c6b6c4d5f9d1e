// The one programmatic entry point that does what `kindling bootstrap` does: pick the stages, obey
// halts signed by trusted keys, check the backend's tools, fetch every upstream source the stages
// need, then run and verify the stages. The CLI, `audit --rebuild`, `template build`, the tests and
// the benches all come through here, so none of them can skip a step.
import { checkHalts } from '../attest/check-halts.js';
import { describeHalt } from '../attest/halt.js';
import { KindlingError } from '../errors.js';
import type { Chain, Stage } from '../manifest/types.js';
import type { Sandbox } from '../sandbox/sandbox.js';
import { ensureSources, type FetchOptions } from '../sources/ensure.js';
import type { Store } from '../store/store.js';
import { bootstrap, selectStages, type BootstrapResult, type ChainEvent } from './bootstrap.js';
import { takeFromStore } from './from-store.js';
import { cachedResult } from './run-stage.js';

export interface HaltCheck {
  /** Directory of signed statements; a halt of the chain or of a selected stage stops the run. */
  readonly attestationsDir: string;
  /** Trusted public keys (a file or a directory): only their signatures count. */
  readonly trust: string;
  /** Trusted signers needed for a halt to count. */
  readonly threshold: number;
}

export interface RunChainOptions {
  readonly chain: Chain;
  readonly store: Store;
  readonly sandbox: Sandbox;
  readonly jobs?: number;
  /** Run only this stage (or these stages) and what it depends on. */
  readonly until?: string | readonly string[];
  /**
   * Take every selected stage not named in `until` from this store (verified, as a cached result)
   * instead of running it: a backend then runs only the named stages (see from-store.ts).
   */
  readonly fromStore?: Store;
  /** Called with the stages taken from `fromStore`. */
  readonly onTaken?: (stages: readonly string[]) => void;
  /** Where upstream sources come from (distfiles, mirrors, proxy); the manifests' URLs last. */
  readonly sources?: FetchOptions;
  readonly halts?: HaltCheck;
  /** Work after the halts are checked and before sources are fetched (bootstrap --remote pulls results here). */
  readonly prepare?: (stages: readonly Stage[]) => Promise<void>;
  /** Stops the sources' downloads and the running stages; their work directories are kept. */
  readonly signal?: AbortSignal;
  /** Called with the stages to run once every check has passed, before the first stage starts. */
  readonly onReady?: (stages: readonly Stage[]) => void;
  readonly onEvent?: (event: ChainEvent) => void;
}

/**
 * Runs the chain. Throws a KindlingError when it cannot start (an unknown stage, a halt, a missing
 * tool, a source that cannot be had); otherwise returns every stage's outcome.
 */
export async function runChain(options: RunChainOptions): Promise<BootstrapResult> {
  const { chain, store, sandbox, signal } = options;
  const stages = selectStages(chain, options.until);
  // What killed runs left (work directories, temporary files) goes, when provably stale, and is said.
  const removed = await store.removeLeftovers();
  if (removed !== undefined) store.onNotice(removed);
  if (options.halts !== undefined) await refuseHalted(options.halts, chain.name, stages);
  // The backend's tools and kernel first: a machine that cannot run a stage should not download.
  // Only checked here: the trusted base itself (a KVM probe under qemu) waits for a stage that runs.
  await (sandbox.check === undefined ? sandbox.trustedBase() : sandbox.check());
  await options.prepare?.(stages);
  if (options.fromStore !== undefined) {
    const named = new Set(typeof options.until === 'string' ? [options.until] : (options.until ?? []));
    const taken = await takeFromStore(
      stages.filter((s) => !named.has(s.name)),
      options.fromStore,
      store,
    );
    options.onTaken?.(taken);
  }
  // Upstream sources are needed only by the stages still to build.
  const toBuild: Stage[] = [];
  for (const stage of stages) if ((await cachedResult(stage, store)) === undefined) toBuild.push(stage);
  await ensureSources({ ...chain, stages: toBuild }, store, { ...options.sources, ...(signal === undefined ? {} : { signal }) });
  options.onReady?.(stages);
  return bootstrap({
    chain,
    store,
    sandbox,
    ...(options.jobs === undefined ? {} : { jobs: options.jobs }),
    ...(options.until === undefined ? {} : { until: options.until }),
    ...(signal === undefined ? {} : { signal }),
    ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
  });
}

/**
 * A chain or stage halted by enough trusted signers is not run, and its results are not accepted,
 * until they release it. The refusal names who halted what, and why.
 */
async function refuseHalted(halts: HaltCheck, chain: string, stages: readonly Stage[]): Promise<void> {
  const verdict = await checkHalts({ attestationsDir: halts.attestationsDir, trust: halts.trust, threshold: halts.threshold, chain });
  const names = new Set(stages.map((s) => s.name));
  const relevant = verdict.halts.filter((h) => h.scope.stage === undefined || names.has(h.scope.stage));
  if (relevant.length > 0) throw new KindlingError('failed', `refusing to run:\n  ${relevant.map(describeHalt).join('\n  ')}`);
}
