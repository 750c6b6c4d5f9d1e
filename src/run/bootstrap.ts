// Runs a chain's stages (runChain in run-chain.ts adds the checks and the sources before them):
// every stage after the stages it depends on, independent stages side by side up to
// `jobs`, verified results reused from the store. The first failure stops new stages from starting;
// stages already running finish, and whatever they verify is kept.
import { stageDependencies } from '../manifest/chain.js';
import type { Chain, Stage } from '../manifest/types.js';
import type { Sandbox, TrustedBase } from '../sandbox/sandbox.js';
import type { Store } from '../store/store.js';
import type { ProvenanceRecord } from './record.js';
import { runStage, type StageOutcome } from './run-stage.js';
import { KindlingError } from '../errors.js';

export type ChainEvent =
  | { readonly type: 'stage-started'; readonly stage: string }
  | { readonly type: 'stage-note'; readonly stage: string; readonly message: string }
  | { readonly type: 'stage-verified'; readonly stage: string; readonly record: ProvenanceRecord; readonly cached: boolean }
  | { readonly type: 'stage-failed'; readonly stage: string; readonly outcome: Extract<StageOutcome, { status: 'failed' }> }
  | { readonly type: 'stage-not-run'; readonly stage: string; readonly because: string };

export interface BootstrapOptions {
  readonly chain: Chain;
  readonly store: Store;
  readonly sandbox: Sandbox;
  readonly jobs?: number;
  /** Run only this stage (or these stages) and what it depends on. */
  readonly until?: string | readonly string[];
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: ChainEvent) => void;
  /** A running stage quiet this long (no output, no CPU) gets a note; default 60 s (watchdog.ts). */
  readonly quietMs?: number;
  /** The sandbox's trusted base when the caller has it already (it hashes tools and the kernel). */
  readonly trustedBase?: TrustedBase;
}

export interface BootstrapResult {
  readonly ok: boolean;
  /**
   * The backend's trusted base, asked for only when a stage really ran (the qemu backend's KVM
   * probe costs seconds): undefined when every result was already in the store.
   */
  readonly trustedBase?: TrustedBase;
  readonly stages: readonly Stage[];
  readonly outcomes: ReadonlyMap<string, StageOutcome>;
  readonly notRun: readonly string[];
}

export class UnknownStageError extends KindlingError {
  constructor(name: string, chain: Chain) {
    super('usage', `chain '${chain.name}' has no stage '${name}' (stages: ${chain.stages.map((s) => s.name).join(', ')})`);
    this.name = 'UnknownStageError';
  }
}

/** A backend made for one architecture was given a chain written for another. */
export class ArchMismatchError extends KindlingError {
  constructor(chain: Chain, sandbox: Sandbox) {
    super('usage', `chain '${chain.name}' is for ${chain.arch}, but the ${sandbox.name} backend was made to run ${sandbox.arch} programs`);
    this.name = 'ArchMismatchError';
  }
}

/**
 * The stages to run for `until` (it and everything it depends on), in build order; given several
 * names (`--stages a,b`), each of them and everything they depend on.
 */
export function selectStages(chain: Chain, until?: string | readonly string[]): Stage[] {
  if (until === undefined) return [...chain.stages];
  const byName = new Map(chain.stages.map((s) => [s.name, s]));
  const wanted = new Set<string>();
  const add = (stage: Stage): void => {
    if (wanted.has(stage.name)) return;
    wanted.add(stage.name);
    for (const dependency of stageDependencies(stage)) add(byName.get(dependency)!);
  };
  for (const name of typeof until === 'string' ? [until] : until) {
    const target = byName.get(name);
    if (target === undefined) throw new UnknownStageError(name, chain);
    add(target);
  }
  return chain.stages.filter((s) => wanted.has(s.name));
}

export async function bootstrap(options: BootstrapOptions): Promise<BootstrapResult> {
  const { chain, store, sandbox, signal } = options;
  const emit = options.onEvent ?? (() => undefined);
  const jobs = Math.max(1, options.jobs ?? 1);
  const stages = selectStages(chain, options.until);
  if (sandbox.arch !== chain.arch) throw new ArchMismatchError(chain, sandbox);
  let trustedBase: Promise<TrustedBase> | undefined = options.trustedBase === undefined ? undefined : Promise.resolve(options.trustedBase);
  const askTrustedBase = (): Promise<TrustedBase> => (trustedBase ??= sandbox.trustedBase());
  const outcomes = new Map<string, StageOutcome>();
  const waiting = new Set(stages.map((s) => s.name));
  let stopped = false;

  await new Promise<void>((resolveAll) => {
    let running = 0;
    const isReady = (stage: Stage): boolean => stageDependencies(stage).every((d) => outcomes.get(d)?.status === 'verified');
    const pump = (): void => {
      if (signal?.aborted) stopped = true;
      while (!stopped && running < jobs) {
        const next = stages.find((s) => waiting.has(s.name) && isReady(s));
        if (next === undefined) break;
        waiting.delete(next.name);
        running += 1;
        void runStage(next, {
          chain,
          store,
          sandbox,
          trustedBase: askTrustedBase,
          ...(options.quietMs === undefined ? {} : { quietMs: options.quietMs }),
          ...(signal === undefined ? {} : { signal }),
          onStart: () => emit({ type: 'stage-started', stage: next.name }),
          onNote: (message) => emit({ type: 'stage-note', stage: next.name, message }),
        })
          .catch((error: unknown): StageOutcome => ({
            status: 'failed',
            stage: next.name,
            failures: [{ reason: 'sandbox-failed', message: error instanceof Error ? error.message : String(error) }],
          }))
          .then((outcome) => {
            outcomes.set(next.name, outcome);
            if (outcome.status === 'verified') {
              emit({ type: 'stage-verified', stage: next.name, record: outcome.record, cached: outcome.cached });
            } else {
              stopped = true;
              emit({ type: 'stage-failed', stage: next.name, outcome });
            }
            running -= 1;
            pump();
          });
      }
      if (running === 0) resolveAll();
    };
    pump();
  });

  const notRun = stages.filter((s) => !outcomes.has(s.name)).map((s) => s.name);
  for (const name of notRun) {
    emit({ type: 'stage-not-run', stage: name, because: signal?.aborted ? 'interrupted' : 'an earlier stage failed' });
  }
  const ok = notRun.length === 0 && [...outcomes.values()].every((o) => o.status === 'verified');
  const base = trustedBase === undefined ? undefined : await trustedBase.catch(() => undefined);
  return { ok, ...(base === undefined ? {} : { trustedBase: base }), stages, outcomes, notRun };
}

/** A result in a form fit for JSON: per stage its status, outputs and failures. */
export function summarize(result: BootstrapResult): unknown {
  return {
    type: 'chain-finished',
    ok: result.ok,
    ...(result.trustedBase === undefined ? {} : { trustedBase: result.trustedBase }),
    stages: result.stages.map((stage) => {
      const outcome = result.outcomes.get(stage.name);
      if (outcome === undefined) return { stage: stage.name, status: 'not-run' };
      if (outcome.status === 'verified') {
        return {
          stage: stage.name,
          status: 'verified',
          cached: outcome.cached,
          stageKey: outcome.record.stageKey,
          outputs: outcome.record.outputs,
        };
      }
      return { stage: stage.name, status: 'failed', failures: outcome.failures, workDir: outcome.workDir, logFile: outcome.logFile };
    }),
  };
}
