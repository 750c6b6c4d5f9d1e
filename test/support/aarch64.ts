// The real aarch64 chain's binaries for tests: built by kindling itself under bubblewrap (the
// programs run through qemu-user's binfmt entry on other hosts) into one store shared by every
// test file, then copied out of the store so a test can run them.
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadChain } from '../../src/manifest/chain.js';
import type { Chain } from '../../src/manifest/types.js';
import { bootstrap } from '../../src/run/bootstrap.js';
import { describeFailure } from '../../src/run/failure.js';
import { createBwrapSandbox } from '../../src/sandbox/bwrap.js';
import { Store } from '../../src/store/store.js';
import { REPO } from './cli.js';

export const AARCH64_CHAIN = join(REPO, 'stages', 'aarch64');
export const SHARED_STORE = join(tmpdir(), `kindling-test-store-aarch64-${process.getuid?.() ?? 0}`);

/** This host runs AArch64 programs: natively, or through qemu-user's binfmt_misc entry. */
export const CAN_RUN_AARCH64 =
  process.platform === 'linux' && (process.arch === 'arm64' || existsSync('/proc/sys/fs/binfmt_misc/qemu-aarch64'));

let chain: Promise<Chain> | undefined;

/** Builds `stage` (and what it depends on) and returns a private, executable copy of one of its outputs. */
export async function aarch64ChainOutput(stage: string, path: string): Promise<string> {
  chain ??= loadChain(AARCH64_CHAIN);
  const loaded = await chain;
  const store = await Store.open(SHARED_STORE);
  const result = await bootstrap({ chain: loaded, store, sandbox: createBwrapSandbox({ arch: 'aarch64' }), until: stage });
  if (!result.ok) {
    const problems = [...result.outcomes.values()].flatMap((o) =>
      o.status === 'failed' ? o.failures.map((f) => `${o.stage}: ${describeFailure(f)}`) : [],
    );
    throw new Error(`building ${stage} failed:\n${problems.join('\n')}`);
  }
  const output = loaded.stages.find((s) => s.name === stage)?.outputs.find((o) => o.path === path);
  if (output === undefined) throw new Error(`stage ${stage} declares no output ${path}`);
  const copy = join(await mkdtemp(join(tmpdir(), `kindling-aarch64-${stage}-`)), path.split('/').pop()!);
  await copyFile(store.objectPath(output.sha256), copy);
  await chmod(copy, output.executable ? 0o755 : 0o644);
  return copy;
}
