// Runs one stage from start to verified result: resolve and check inputs, build the root, run the
// sandbox, inspect the root, store the outputs, write the record. The record is written last, so
// its presence in the store means every output it names is there and verified.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Sha256 } from '../digest.js';
import type { Chain, Stage } from '../manifest/types.js';
import type { Sandbox, TrustedBase } from '../sandbox/sandbox.js';
import type { Store } from '../store/store.js';
import { checkCache } from './cached-result.js';
import type { StageFailure } from './failure.js';
import { resolveInputs } from './inputs.js';
import { RECORD_TYPE, type ProvenanceRecord } from './record.js';
import { inspectRoot, populateRoot } from './stage-root.js';
import { stageKey } from './stage-key.js';
import { QUIET_NOTICE_MS, startWatchdog } from './watchdog.js';
import { KINDLING_VERSION } from '../version.js';
import { messageOf } from '../errors.js';
import { WORK_OWNER_FILE } from '../store/leftovers.js';
import { writeOwner } from '../store/owner.js';

export type StageOutcome =
  | { readonly status: 'verified'; readonly record: ProvenanceRecord; readonly cached: boolean }
  | {
      readonly status: 'failed';
      readonly stage: string;
      readonly failures: readonly StageFailure[];
      /** The kept work directory (root and log) for inspection, when the stage got as far as running. */
      readonly workDir?: string;
      readonly logFile?: string;
    };

export interface RunStageContext {
  readonly chain: Chain;
  readonly store: Store;
  readonly sandbox: Sandbox;
  /** Asked for only when the stage really runs: it may cost time (the qemu backend's KVM probe). */
  readonly trustedBase: () => Promise<TrustedBase>;
  readonly signal?: AbortSignal;
  /** Called when the stage really starts running (not for a cached result). */
  readonly onStart?: () => void;
  /** A running stage that prints nothing and uses no CPU this long gets a note (default QUIET_NOTICE_MS). */
  readonly quietMs?: number;
  /** Called with something the user should know that is not a failure (a stored result refused, a stage gone quiet). */
  readonly onNote?: (message: string) => void;
}

export { cachedResult } from './cached-result.js';

export async function runStage(stage: Stage, context: RunStageContext): Promise<StageOutcome> {
  const { store } = context;
  const key = stageKey(stage);
  // One process at a time per stage key: a second run on the same store waits, then finds the result.
  return store.withLock(`stage-${key}`, async () => {
    const cache = await checkCache(stage, store);
    if (cache.kind === 'hit') {
      // A stored result is reused only while its inputs are still the declared bytes: a seed or a
      // file beside the manifest may have changed since (the stage key covers the manifest, not
      // the files' current bytes). They are small; hash them all. Upstream sources are left out:
      // they are fetched only for stages that run (a result taken from another store or a remote
      // never needs them here), and one is checked against its pinned sha256 whenever it is fetched.
      const local = stage.inputs.filter((input) => input.origin.kind !== 'url');
      const resolved = await resolveInputs(context.chain, { ...stage, inputs: local }, store);
      if (!resolved.ok) return { status: 'failed', stage: stage.name, failures: [resolved.failure] };
      return { status: 'verified', record: cache.record, cached: true };
    }
    if (cache.kind === 'untrusted') {
      // The bad record and objects are moved aside for inspection, and the stage runs again.
      const movedTo: string[] = [];
      if (cache.badRecord !== undefined) movedTo.push(await store.setAside(cache.badRecord));
      for (const sha256 of cache.badObjects) movedTo.push(await store.setAside(store.objectPath(sha256)));
      context.onNote?.(
        `the stored result is not used: ${cache.problems.join('; ')}` +
          (movedTo.length > 0 ? `; moved aside to ${movedTo.join(', ')}` : '') +
          '; running the stage again',
      );
    }
    const outcome = await runUncached(stage, key, context);
    // A work directory kept on purpose (for inspection) is no longer a running stage's: without its
    // owner file no later run mistakes it for a killed run's leftovers.
    if (outcome.status === 'failed' && outcome.workDir !== undefined) await rm(join(outcome.workDir, WORK_OWNER_FILE), { force: true });
    return outcome;
  });
}

async function runUncached(stage: Stage, key: Sha256, context: RunStageContext): Promise<StageOutcome> {
  const { chain, store, sandbox } = context;
  const resolved = await resolveInputs(chain, stage, store);
  if (!resolved.ok) return { status: 'failed', stage: stage.name, failures: [resolved.failure] };
  let trustedBase: TrustedBase;
  try {
    trustedBase = await context.trustedBase();
  } catch (error) {
    return { status: 'failed', stage: stage.name, failures: [{ reason: 'sandbox-failed', message: messageOf(error) }] };
  }

  const workDir = join(store.root, 'work', `${stage.name}-${key.slice(0, 12)}-${randomBytes(3).toString('hex')}`);
  const root = join(workDir, 'root');
  const logFile = join(workDir, 'stage.log');
  // Made under a temporary name that carries this pid and renamed once its owner file is whole, so
  // that a run killed at any moment leaves either a temporary directory or a work directory that
  // names its owner: a later run can prove either stale (its owner is gone) and remove it.
  const nascent = store.tempPath('work');
  await mkdir(nascent);
  await writeOwner(join(nascent, WORK_OWNER_FILE));
  await rename(nascent, workDir);
  await populateRoot(stage, root, resolved.inputs);
  await writeFile(logFile, '');
  context.onStart?.();

  const startedAt = new Date().toISOString();
  const timeoutMs = stage.run.timeoutSeconds * 1000;
  const watchdog = startWatchdog({
    logFile,
    quietMs: context.quietMs ?? QUIET_NOTICE_MS,
    timeoutMs,
    onQuiet: (message) => context.onNote?.(message),
  });
  const result = await sandbox
    .run({
      root,
      init: stage.run.init,
      args: stage.run.args,
      timeoutMs,
      logFile,
      onSpawn: watchdog.watch,
      ...(context.signal === undefined ? {} : { signal: context.signal }),
    })
    .finally(watchdog.stop);
  const kept = { workDir, logFile };
  if (!result.ok) {
    const error = result.error;
    const failure: StageFailure =
      error.reason === 'timeout'
        ? { reason: 'timeout', timeoutMs: error.timeoutMs }
        : error.reason === 'aborted'
          ? { reason: 'aborted' }
          : { reason: 'sandbox-failed', message: error.message };
    return { status: 'failed', stage: stage.name, failures: [failure], ...kept };
  }
  if (result.exitCode !== 0) {
    return { status: 'failed', stage: stage.name, failures: [{ reason: 'exit-non-zero', exitCode: result.exitCode }], ...kept };
  }
  const inspection = await inspectRoot(stage, root);
  if (!inspection.ok) return { status: 'failed', stage: stage.name, failures: inspection.failures, ...kept };

  for (const output of inspection.outputs) {
    const imported = await store.importFile(join(root, output.path), output.sha256);
    if (!imported.ok) {
      // The file changed between inspection and import: nothing is stored under a wrong name.
      return {
        status: 'failed',
        stage: stage.name,
        failures: [{ reason: 'output-mismatch', path: output.path, expected: imported.expected, actual: imported.actual }],
        ...kept,
      };
    }
  }
  const log = await store.importBytes(await readFile(logFile));
  const record: ProvenanceRecord = {
    _type: RECORD_TYPE,
    chain: chain.name,
    stage: stage.name,
    manifestSha256: stage.manifestSha256,
    stageKey: key,
    inputs: stage.inputs.map((i) => ({ path: i.path, sha256: i.sha256 })),
    outputs: inspection.outputs,
    trustedBase,
    exitCode: result.exitCode,
    startedAt,
    durationMs: result.durationMs,
    ...(log.ok ? { logSha256: log.sha256 } : {}),
    orchestrator: { name: 'kindling', version: KINDLING_VERSION, node: process.version },
  };
  await store.writeRecord(record);
  // Renamed to a temporary name that carries this pid before it is removed: a run killed while the
  // removal is under way (which deletes the owner file first) then leaves a temporary directory
  // that a later run proves stale, never a work directory that has lost its owner file.
  const retired = store.tempPath('work');
  await rename(workDir, retired);
  await rm(retired, { recursive: true, force: true });
  return { status: 'verified', record, cached: false };
}
