// The same stages must give byte-identical outputs under every backend. This runs the real amd64
// chain from an empty store under bubblewrap, then the stages of the qemu tier (all of them unless
// test/support/backend-tiers.ts leaves some out) under qemu from another empty store, taking what
// they depend on from the bubblewrap store, and compares every output's bytes.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadChain } from '../../src/manifest/chain.js';
import type { BootstrapResult } from '../../src/run/bootstrap.js';
import { describeFailure } from '../../src/run/failure.js';
import { runChain } from '../../src/run/run-chain.js';
import { createSandbox } from '../../src/sandbox/select.js';
import { Store } from '../../src/store/store.js';
import { AMD64_CHAIN, DISTFILES } from '../support/amd64.js';
import { qemuTier } from '../support/backend-tiers.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function runUnder(name: 'bwrap' | 'qemu', only?: { stages: string[]; fromStore: Store }) {
  const dir = await mkdtemp(join(tmpdir(), `kindling-equivalence-${name}-`));
  dirs.push(dir);
  const store = await Store.open(join(dir, 'store'));
  const chain = await loadChain(AMD64_CHAIN);
  let taken: readonly string[] = [];
  const result = await runChain({
    chain,
    store,
    sandbox: await createSandbox({ name }),
    jobs: 2,
    sources: { distfiles: DISTFILES, retries: 0 },
    ...(only === undefined ? {} : { until: only.stages, fromStore: only.fromStore, onTaken: (t: readonly string[]) => (taken = t) }),
  });
  return { store, result, taken };
}

/** Each failed stage with what went wrong, so a failure here says why. */
function problems(result: BootstrapResult): string[] {
  return [...result.outcomes.values()].flatMap((o) =>
    o.status === 'failed' ? o.failures.map((f) => `${o.stage}: ${describeFailure(f)}`) : [],
  );
}

describe('backend equivalence on the amd64 chain', () => {
  it('gives byte-identical outputs under bubblewrap and under qemu, for every stage of the qemu tier', async () => {
    const tier = qemuTier(await loadChain(AMD64_CHAIN));
    const bwrap = await runUnder('bwrap');
    expect(problems(bwrap.result)).toEqual([]);
    const qemu = await runUnder('qemu', { stages: tier, fromStore: bwrap.store });
    expect(problems(qemu.result)).toEqual([]);
    expect(bwrap.result.stages.length).toBeGreaterThanOrEqual(4);
    // What qemu did not run it took from bubblewrap's store, and nothing else.
    expect([...qemu.taken].sort()).toEqual(
      qemu.result.stages
        .map((s) => s.name)
        .filter((n) => !tier.includes(n))
        .sort(),
    );
    for (const name of tier) {
      const a = bwrap.result.outcomes.get(name);
      const b = qemu.result.outcomes.get(name);
      if (a?.status !== 'verified' || b?.status !== 'verified') throw new Error(`${name} not verified under both`);
      // Neither run may have been answered from a cache: each store started empty.
      expect([a.cached, b.cached]).toEqual([false, false]);
      expect(b.record.trustedBase.backend).toBe('qemu');
      expect(b.record.outputs).toEqual(a.record.outputs);
      for (const output of a.record.outputs) {
        const left = await readFile(bwrap.store.objectPath(output.sha256));
        const right = await readFile(qemu.store.objectPath(output.sha256));
        expect(Buffer.compare(left, right), `${name}: ${output.path}`).toBe(0);
      }
    }
  }, 1_800_000);
});
