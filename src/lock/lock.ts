// `kindling lock`: writes into a chain's manifests the hashes that real runs produce, trusting the
// first run (as Nix users do with fixed-output hashes) and then checking every written hash with a
// second, independent run before the chain counts as locked.
//
// 1. Static hashes first: a `file:` or `tree:` input, a seed and a seed's source are hashed where they lie,
//    and every stage input takes the hash its producing stage declares for that output.
// 2. Then the chain runs. A stage whose only failures are outputs with other hashes than declared
//    gets those hashes written (in the producer and in every consumer), and runs again from
//    scratch: the second run must give the same bytes, or the stage is reported as not
//    reproducible. Any other failure stops the lock with that stage's report.
// Upstream sources (`url:` inputs) are never rewritten: their hash is a person's decision about
// what upstream published, and a different one is an alarm, not a value to record.
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256File, type Sha256 } from '../digest.js';
import { loadChain } from '../manifest/chain.js';
import type { Chain, Stage, StageInput } from '../manifest/types.js';
import type { BootstrapResult, ChainEvent } from '../run/bootstrap.js';
import { runChain } from '../run/run-chain.js';
import type { StageOutcome } from '../run/run-stage.js';
import type { Sandbox } from '../sandbox/sandbox.js';
import type { FetchOptions } from '../sources/ensure.js';
import type { Store } from '../store/store.js';
import { hashTree, TreeError } from '../tree-digest.js';
import { writeManifestHashes, type HashEdit } from './manifest-edit.js';

/** One hash written into a manifest, and why. */
export interface HashChange {
  readonly manifestPath: string;
  readonly field: string;
  readonly path: string;
  readonly from: Sha256;
  readonly to: Sha256;
  readonly because: string;
}

export interface LockOptions {
  readonly chainDir: string;
  readonly store: Store;
  readonly sandbox: Sandbox;
  readonly until?: string;
  readonly jobs?: number;
  readonly signal?: AbortSignal;
  /** Where upstream sources come from (distfiles, mirrors, proxy); the manifests' URLs last. */
  readonly sources?: FetchOptions;
  readonly onEvent?: (event: ChainEvent) => void;
  readonly onChange?: (change: HashChange) => void;
}

export type LockResult =
  | { readonly ok: true; readonly changes: readonly HashChange[]; readonly run: BootstrapResult }
  | {
      readonly ok: false;
      readonly changes: readonly HashChange[];
      readonly run?: BootstrapResult;
      /** Why the chain could not be locked, in one line. */
      readonly message: string;
    };

export async function lockChain(options: LockOptions): Promise<LockResult> {
  const changes: HashChange[] = [];
  const record = (change: HashChange): void => {
    changes.push(change);
    options.onChange?.(change);
  };
  await writeStaticHashes(await loadChain(options.chainDir, { crossStageHashes: false }), record);

  // Hashes this lock wrote from a run, per stage output: a second mismatch means the stage gives
  // different bytes on each run.
  const firstRun = new Map<string, Sha256>();
  for (;;) {
    const chain = await loadChain(options.chainDir);
    // Run as `kindling bootstrap` runs: tools checked, the sources of the stages still to build fetched.
    const run = await runChain({
      chain,
      store: options.store,
      sandbox: options.sandbox,
      ...(options.jobs === undefined ? {} : { jobs: options.jobs }),
      ...(options.until === undefined ? {} : { until: options.until }),
      ...(options.sources === undefined ? {} : { sources: options.sources }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
    });
    if (run.ok) return { ok: true, changes, run };
    const failed = [...run.outcomes.values()].find((o): o is Extract<StageOutcome, { status: 'failed' }> => o.status === 'failed');
    if (failed === undefined) return { ok: false, changes, run, message: 'interrupted' };
    const stage = chain.stages.find((s) => s.name === failed.stage)!;
    const mismatches = failed.failures.filter((f) => f.reason === 'output-mismatch');
    if (mismatches.length === 0 || mismatches.length !== failed.failures.length) {
      return { ok: false, changes, run, message: `stage ${stage.name} failed; nothing more was written` };
    }
    for (const mismatch of mismatches) {
      const key = `${stage.name}\0${mismatch.path}`;
      const earlier = firstRun.get(key);
      if (earlier !== undefined) {
        return {
          ok: false,
          changes,
          run,
          message: `stage ${stage.name} is not reproducible: ${mismatch.path} was ${earlier} on one run and ${mismatch.actual} on the next`,
        };
      }
      firstRun.set(key, mismatch.actual);
    }
    await writeOutputHashes(chain, stage, new Map(mismatches.map((m) => [m.path, m.actual])), record);
  }
}

/** Hashes that need no run: files beside the manifests, seeds, and what producers already declare. */
async function writeStaticHashes(chain: Chain, record: (change: HashChange) => void): Promise<void> {
  for (const stage of chain.stages) {
    const edits: HashEdit[] = [];
    for (const [index, input] of stage.inputs.entries()) {
      const found = await staticHash(chain, stage, input);
      if (found === undefined || found.sha256 === input.sha256) continue;
      edits.push({ section: 'inputs', index, sha256: found.sha256 });
      record({
        manifestPath: stage.manifestPath,
        field: `inputs[${index}].sha256`,
        path: input.path,
        from: input.sha256,
        to: found.sha256,
        because: found.because,
      });
    }
    await writeManifestHashes(stage.manifestPath, edits);
  }
}

async function staticHash(chain: Chain, stage: Stage, input: StageInput): Promise<{ sha256: Sha256; because: string } | undefined> {
  const origin = input.origin;
  switch (origin.kind) {
    case 'file': {
      const path = join(stage.dir, origin.file);
      // Only a regular file is hashed here; anything else is left for the run to report.
      const info = await lstat(path).catch(() => undefined);
      if (info?.isFile() !== true) return undefined;
      return { sha256: await sha256File(path), because: `file ${origin.file}` };
    }
    case 'tree': {
      const tree = await hashTree(join(stage.dir, origin.tree)).catch((error: unknown) => {
        if (error instanceof TreeError) return undefined; // the run reports it, with the path at fault
        throw error;
      });
      return tree === undefined ? undefined : { sha256: tree.sha256, because: `tree ${origin.tree}` };
    }
    case 'seed':
      return { sha256: chain.seeds.get(origin.seed)!.sha256, because: `seed ${origin.seed}` };
    case 'seed-source':
      return { sha256: await sha256File(chain.seeds.get(origin.seed)!.sourcePath), because: `source of seed ${origin.seed}` };
    case 'stage': {
      const producer = chain.stages.find((s) => s.name === origin.stage)!;
      const output = producer.outputs.find((o) => o.path === origin.output)!;
      return { sha256: output.sha256, because: `output ${origin.output} of stage ${origin.stage}` };
    }
    case 'url':
      return undefined;
  }
}

/** Writes a stage's produced output hashes into its manifest and into every stage that takes them. */
async function writeOutputHashes(
  chain: Chain,
  producer: Stage,
  produced: ReadonlyMap<string, Sha256>,
  record: (change: HashChange) => void,
): Promise<void> {
  for (const stage of chain.stages) {
    const edits: HashEdit[] = [];
    const edit = (section: 'inputs' | 'outputs', index: number, path: string, from: Sha256, to: Sha256, because: string): void => {
      edits.push({ section, index, sha256: to });
      record({ manifestPath: stage.manifestPath, field: `${section}[${index}].sha256`, path, from, to, because });
    };
    if (stage === producer) {
      for (const [index, output] of stage.outputs.entries()) {
        const sha256 = produced.get(output.path);
        if (sha256 !== undefined) edit('outputs', index, output.path, output.sha256, sha256, 'produced by a run of the stage');
      }
    }
    for (const [index, input] of stage.inputs.entries()) {
      const origin = input.origin;
      if (origin.kind !== 'stage' || origin.stage !== producer.name) continue;
      const sha256 = produced.get(origin.output);
      if (sha256 !== undefined) edit('inputs', index, input.path, input.sha256, sha256, `output ${origin.output} of stage ${origin.stage}`);
    }
    await writeManifestHashes(stage.manifestPath, edits);
  }
}
