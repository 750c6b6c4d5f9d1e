// The real amd64 chain's binaries for tests: built by kindling itself under bubblewrap into one
// store shared by every test file (runs on one store are safe to race), then read from the store.
import { cpSync, symlinkSync } from 'node:fs';
import { mkdtemp, copyFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadChain } from '../../src/manifest/chain.js';
import type { Chain } from '../../src/manifest/types.js';
import { bootstrap, selectStages } from '../../src/run/bootstrap.js';
import { describeFailure } from '../../src/run/failure.js';
import { createBwrapSandbox } from '../../src/sandbox/bwrap.js';
import { ensureSources } from '../../src/sources/ensure.js';
import { Store } from '../../src/store/store.js';
import { REPO } from './cli.js';
import { distfilesDirs } from './distfiles.js';

export const AMD64_CHAIN = join(REPO, 'stages', 'amd64');

/** cc's own b0 source files (stages/amd64/07-cc), in the order its build.kaem compiles them. */
export const CC_B0_SOURCES = ['base', 'types', 'float', 'lex', 'parse', 'cparse', 'cdecl', 'cpp', 'gen', 'gen-aarch64', 'main'].map(
  (name) => join(AMD64_CHAIN, '07-cc', `${name}.b0`),
);
/** The upstream tarballs kept for offline use ($KINDLING_DISTFILES, shared/distfiles beside the checkout). */
export const DISTFILES = distfilesDirs();
export const SHARED_STORE = join(tmpdir(), `kindling-test-store-${process.getuid?.() ?? 0}`);

let chain: Promise<Chain> | undefined;

/**
 * Builds `stage` (and what it depends on) and returns a private, executable copy of one of its
 * outputs, so a test can run it without touching the store's read-only object.
 */
export async function chainOutput(stage: string, path: string): Promise<string> {
  chain ??= loadChain(AMD64_CHAIN);
  const loaded = await chain;
  const store = await Store.open(SHARED_STORE);
  // Upstream sources come from the offline distfiles beside the repository, never the network.
  await ensureSources({ ...loaded, stages: selectStages(loaded, stage) }, store, { distfiles: DISTFILES, retries: 0 });
  const result = await bootstrap({ chain: loaded, store, sandbox: createBwrapSandbox(), until: stage });
  if (!result.ok) {
    const problems = [...result.outcomes.values()].flatMap((o) =>
      o.status === 'failed' ? o.failures.map((f) => `${o.stage}: ${describeFailure(f)}`) : [],
    );
    throw new Error(`building ${stage} failed:\n${problems.join('\n')}`);
  }
  const output = loaded.stages.find((s) => s.name === stage)?.outputs.find((o) => o.path === path);
  if (output === undefined) throw new Error(`stage ${stage} declares no output ${path}`);
  const copy = join(await mkdtemp(join(tmpdir(), `kindling-${stage}-`)), path.split('/').pop()!);
  await copyFile(store.objectPath(output.sha256), copy);
  await chmod(copy, output.executable ? 0o755 : 0o644);
  return copy;
}

/**
 * A copy of every chain of the repository under `dir`/stages, for a test to edit, beside a link
 * to the seeds: the chains read each other's files (chain.yaml's `sources`, `same-as`), so the
 * amd64 chain is not whole without the others. Returns the copy's amd64 chain directory.
 */
export function copyChains(dir: string): string {
  cpSync(join(REPO, 'stages'), join(dir, 'stages'), { recursive: true });
  symlinkSync(join(REPO, 'seeds'), join(dir, 'seeds'));
  return join(dir, 'stages', 'amd64');
}
