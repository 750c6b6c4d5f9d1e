// Rebuilds the chain from nothing, in a fresh temporary store, and compares every output with the
// manifests and with a run's records. A difference names the stage, the file and, when the
// expected bytes are at hand (the records' store), the first byte that differs.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sha256 } from '../digest.js';
import type { Chain } from '../manifest/types.js';
import type { ChainEvent } from '../run/bootstrap.js';
import { describeFailure } from '../run/failure.js';
import type { ProvenanceRecord } from '../run/record.js';
import { runChain } from '../run/run-chain.js';
import type { Sandbox, TrustedBase } from '../sandbox/sandbox.js';
import type { FetchOptions } from '../sources/ensure.js';
import { Store } from '../store/store.js';
import type { Finding } from './findings.js';
import { firstDifference } from './first-difference.js';
import type { RebuildSummary } from './report.js';
import { findObjectFile } from '../store/object-file.js';

export interface RebuildOptions {
  readonly chain: Chain;
  readonly sandbox: Sandbox;
  /** Records of an earlier run, by stage: the rebuilt outputs are compared with them too. */
  readonly records?: ReadonlyMap<string, ProvenanceRecord>;
  /** Stores' objects directories that may hold the expected bytes (and upstream sources). */
  readonly referenceObjects?: readonly string[];
  /** Where to make the temporary store; the system's temporary directory by default. */
  readonly tempDir?: string;
  readonly onEvent?: (event: ChainEvent) => void;
  /** Where upstream sources missing from the reference stores are fetched from (distfiles, mirrors). */
  readonly sources?: FetchOptions;
  readonly signal?: AbortSignal;
}

export interface RebuildResult {
  readonly summary: RebuildSummary;
  readonly findings: Finding[];
  /** Sizes of the rebuilt outputs, by hash. */
  readonly sizes: Map<Sha256, number>;
  /** What the rebuild's sandbox trusted. */
  readonly trustedBase: TrustedBase;
}

export async function rebuild(options: RebuildOptions): Promise<RebuildResult> {
  const { chain, sandbox } = options;
  const storeDir = await mkdtemp(join(options.tempDir ?? tmpdir(), 'kindling-audit-rebuild-'));
  const store = await Store.open(storeDir);
  const references = options.referenceObjects ?? [];
  const referenceFor = (sha256: Sha256): Promise<string | undefined> => findObjectFile(references, sha256);

  // Upstream sources are not built: they are taken, checked by hash, from the reference stores.
  for (const stage of chain.stages) {
    for (const input of stage.inputs) {
      if (input.origin.kind !== 'url' || (await store.has(input.sha256))) continue;
      const copy = await referenceFor(input.sha256);
      if (copy !== undefined) await store.importFile(copy, input.sha256);
    }
  }

  // The rest are fetched like any run's: distfiles, mirrors, the manifests' URLs; all checked by hash.
  const result = await runChain({
    chain,
    store,
    sandbox,
    ...(options.sources === undefined ? {} : { sources: options.sources }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
  });
  const findings: Finding[] = [];
  const sizes = new Map<Sha256, number>();
  let first: RebuildSummary['firstDifference'];
  let verified = 0;

  const mismatch = async (
    stage: string,
    path: string,
    against: 'manifest' | 'record',
    expected: Sha256,
    actual: Sha256,
    rebuiltFile: string,
  ): Promise<void> => {
    const reference = await referenceFor(expected);
    const difference = reference === undefined ? undefined : await firstDifference(reference, rebuiltFile);
    findings.push({
      reason: 'rebuild-mismatch',
      stage,
      path,
      against,
      expected,
      actual,
      ...(difference === undefined ? {} : { difference }),
      rebuiltFile,
    });
    first ??= { stage, path, ...(difference === undefined ? {} : { offset: difference.offset }) };
  };

  for (const stage of result.stages) {
    const outcome = result.outcomes.get(stage.name);
    if (outcome === undefined) continue;
    if (outcome.status === 'verified') {
      verified += 1;
      const recorded = options.records?.get(stage.name);
      for (const output of outcome.record.outputs) {
        const rebuilt = store.objectPath(output.sha256);
        sizes.set(output.sha256, (await stat(rebuilt)).size);
        const claimed = recorded?.outputs.find((o) => o.path === output.path)?.sha256;
        if (claimed !== undefined && claimed !== output.sha256) {
          await mismatch(stage.name, output.path, 'record', claimed, output.sha256, rebuilt);
        }
      }
      continue;
    }
    for (const failure of outcome.failures) {
      if (failure.reason === 'output-mismatch' && outcome.workDir !== undefined) {
        const rebuilt = join(outcome.workDir, 'root', failure.path);
        await mismatch(stage.name, failure.path, 'manifest', failure.expected, failure.actual, rebuilt);
      } else {
        findings.push({ reason: 'rebuild-failed', stage: stage.name, message: describeFailure(failure) });
      }
    }
  }
  if (result.notRun.length > 0) findings.push({ reason: 'rebuild-not-compared', stages: result.notRun });

  // The rebuilt bytes are evidence of a difference: keep them then, and only then.
  const kept = findings.length > 0;
  if (!kept) await rm(storeDir, { recursive: true, force: true });
  return {
    summary: {
      sandbox: sandbox.name,
      store: storeDir,
      kept,
      stagesVerified: verified,
      ...(first === undefined ? {} : { firstDifference: first }),
    },
    findings,
    sizes,
    trustedBase: result.trustedBase ?? (await sandbox.trustedBase()),
  };
}
